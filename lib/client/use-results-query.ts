"use client";
import { useQuery } from "@tanstack/react-query";
import type { ResultsAnswer } from "../core/api-types";
import { isFinishedState } from "../core/job-lifecycle";
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
 * Which end of a job its results belong to: its finishedAt once it is finished (a job
 * requeued and ended again is asked anew), null while it waits or runs.
 */
export const resultsEnd = (job: { state: string; finishedAt: string | null }): string | null =>
  isFinishedState(job.state) ? (job.finishedAt ?? "ended") : null;

/**
 * GET /api/jobs/:id/results: the files of the job's results strip. A finished job's do
 * not change: asked once per end (`resultsEnd`), never again on the job's changes
 * (lib/client/query-keys.ts followsJobRows); a running job's are asked again every
 * `refreshMs` × 5.
 */
export function useResultsQuery(id: number, end: string | null, refreshMs: number) {
  const finished = end !== null;
  return useQuery({
    queryKey: queryKeys.jobs.results(id, end),
    queryFn: () => fetchResults(id),
    staleTime: finished ? Infinity : 0,
    refetchInterval: finished ? false : refreshMs * 5,
  });
}
