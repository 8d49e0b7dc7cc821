"use client";
import { useMutation, useQueryClient } from "@tanstack/react-query";
import { apiFetch } from "./api-fetch";
import { queryKeys, refetchJobRows } from "./query-keys";

/**
 * An action on one job: every job row and the status are refetched, and the job's results,
 * which a requeue or a deletion changes (a requeued job that never ran has no new end to
 * key them by), are dropped; a page still showing them asks again.
 */
function useJobAction(id: number, method: "POST" | "DELETE", suffix: string) {
  const client = useQueryClient();
  return useMutation({
    mutationFn: () => apiFetch<{ ok: true }>(`/api/jobs/${id}${suffix}`, { method }),
    onSettled: () => {
      if (method === "DELETE" || suffix === "/requeue") client.removeQueries({ queryKey: queryKeys.jobs.results(id) });
      return Promise.all([refetchJobRows(client), client.invalidateQueries({ queryKey: queryKeys.status() })]);
    },
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
    onSettled: () => Promise.all([refetchJobRows(client), client.invalidateQueries({ queryKey: queryKeys.status() })]),
  });
}
