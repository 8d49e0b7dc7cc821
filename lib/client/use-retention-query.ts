"use client";
import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import type { RetentionAnswer } from "../core/api-types";
import { apiFetch } from "./api-fetch";
import { queryKeys } from "./query-keys";

/** GET /api/admin/retention: the dry run of the next retention pass (administrator only). */
export function useRetentionQuery() {
  return useQuery({
    queryKey: queryKeys.retention(),
    queryFn: () => apiFetch<RetentionAnswer>("/api/admin/retention"),
    refetchInterval: 5_000,
    retry: false,
  });
}

/** POST /api/admin/retention: the worker runs a pass now (it removes what the dry run lists). */
export function useRunRetentionMutation() {
  const client = useQueryClient();
  return useMutation({
    mutationFn: () => apiFetch<{ ok: true }>("/api/admin/retention", { method: "POST" }),
    onSuccess: () => client.invalidateQueries({ queryKey: queryKeys.retention() }),
  });
}
