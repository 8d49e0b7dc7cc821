"use client";
/** Queue control from the browser: pause/resume, the arrays, and actions on a whole array. */
import { keepPreviousData, useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import type { ArrayActionAnswer, ArrayAnswer, ArraysAnswer } from "../core/api-types";
import { ApiError, apiFetch } from "./api-fetch";
import { useLiveInterval } from "./live-updates";
import { queryKeys, refetchJobRows } from "./query-keys";

/** After any queue action every list, page and count may have changed. */
function useInvalidateQueue() {
  const client = useQueryClient();
  return () => Promise.all([refetchJobRows(client), client.invalidateQueries({ queryKey: queryKeys.status() })]);
}

export function usePauseQueueMutation(pause: boolean) {
  const invalidate = useInvalidateQueue();
  return useMutation({ mutationFn: () => apiFetch(`/api/queue/${pause ? "pause" : "resume"}`, { method: "POST" }), onSettled: invalidate });
}

/** GET /api/arrays: the most recent arrays with their counts. */
export function useArraysQuery(refreshMs: number) {
  return useQuery({ queryKey: queryKeys.arrays.all(), queryFn: () => apiFetch<ArraysAnswer>("/api/arrays"), refetchInterval: useLiveInterval(refreshMs), placeholderData: keepPreviousData });
}

/** GET /api/arrays/:id; a deleted array stops the polling. */
export function useArrayQuery(id: number, refreshMs: number) {
  const interval = useLiveInterval(refreshMs);
  return useQuery({
    queryKey: queryKeys.arrays.detail(id),
    queryFn: () => apiFetch<ArrayAnswer>(`/api/arrays/${id}`),
    refetchInterval: (query) => (query.state.error instanceof ApiError && query.state.error.status === 404 ? false : interval),
  });
}

export type ArrayAction = "hold" | "release" | "kill" | "requeue" | "delete";

/** POST /api/arrays/:id/:action; resolves to the elements applied to and skipped. */
export function useArrayActionMutation(id: number) {
  const invalidate = useInvalidateQueue();
  return useMutation({
    mutationFn: (action: ArrayAction) => apiFetch<ArrayActionAnswer>(`/api/arrays/${id}/${action}`, { method: "POST" }),
    onSettled: invalidate,
  });
}
