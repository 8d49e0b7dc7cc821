"use client";
import { useMutation, useQueryClient } from "@tanstack/react-query";
import { apiFetch } from "./api-fetch";
import { queryKeys } from "./query-keys";

function useJobAction(id: number, method: "POST" | "DELETE", suffix: string) {
  const client = useQueryClient();
  return useMutation({
    mutationFn: () => apiFetch<{ ok: true }>(`/api/jobs/${id}${suffix}`, { method }),
    onSettled: () => Promise.all([client.invalidateQueries({ queryKey: queryKeys.jobs.all() }), client.invalidateQueries({ queryKey: queryKeys.status() })]),
  });
}

export const useKillJobMutation = (id: number) => useJobAction(id, "POST", "/kill");
export const useDeleteJobMutation = (id: number) => useJobAction(id, "DELETE", "");
export const useRequeueJobMutation = (id: number) => useJobAction(id, "POST", "/requeue");
export const useHoldJobMutation = (id: number) => useJobAction(id, "POST", "/hold");
export const useReleaseJobMutation = (id: number) => useJobAction(id, "POST", "/release");

/** POST /api/jobs/:id/priority: a waiting job's new priority. */
export function usePriorityMutation(id: number) {
  const client = useQueryClient();
  return useMutation({
    mutationFn: (priority: number) =>
      apiFetch<{ priority: number; changed: boolean }>(`/api/jobs/${id}/priority`, { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify({ priority }) }),
    onSettled: () => Promise.all([client.invalidateQueries({ queryKey: queryKeys.jobs.all() }), client.invalidateQueries({ queryKey: queryKeys.status() })]),
  });
}
