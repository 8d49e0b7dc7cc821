"use client";
import { useQuery } from "@tanstack/react-query";
import type { ResultsAnswer } from "../core/api-types";
import { ApiError, apiFetch } from "./api-fetch";
import { queryKeys } from "./query-keys";

/** What a job without a folder (removed by retention, deleted) shows: nothing. */
const NO_RESULTS: ResultsAnswer = { files: [], more: 0, source: "pictures" };

/**
 * A 404 is an answer, not a failure: the folder is gone and will not come back. Kept as an
 * empty strip, a finished job's is not asked again (an error would be, on every refresh).
 */
async function fetchResults(id: number): Promise<ResultsAnswer> {
  try {
    return await apiFetch<ResultsAnswer>(`/api/jobs/${id}/results`);
  } catch (error) {
    if (error instanceof ApiError && error.status === 404) return NO_RESULTS;
    throw error;
  }
}

/**
 * GET /api/jobs/:id/results: the files of the job's results strip. A finished job's do
 * not change: asked once; a running job's are asked again every `refreshMs` × 5.
 */
export function useResultsQuery(id: number, finished: boolean, refreshMs: number) {
  return useQuery({
    queryKey: queryKeys.jobs.results(id),
    queryFn: () => fetchResults(id),
    staleTime: finished ? Infinity : 0,
    refetchInterval: finished ? false : refreshMs * 5,
  });
}
