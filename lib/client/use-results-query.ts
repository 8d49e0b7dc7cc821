"use client";
import { useQuery } from "@tanstack/react-query";
import type { ResultsAnswer } from "../core/api-types";
import { apiFetch } from "./api-fetch";
import { queryKeys } from "./query-keys";

/**
 * GET /api/jobs/:id/results: the files of the job's results strip. A finished job's do
 * not change: asked once; a running job's are asked again every `refreshMs` × 5.
 */
export function useResultsQuery(id: number, finished: boolean, refreshMs: number) {
  return useQuery({
    queryKey: queryKeys.jobs.results(id),
    queryFn: () => apiFetch<ResultsAnswer>(`/api/jobs/${id}/results`),
    staleTime: finished ? Infinity : 0,
    refetchInterval: finished ? false : refreshMs * 5,
  });
}
