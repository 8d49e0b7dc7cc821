"use client";
import { queryOptions, useQuery } from "@tanstack/react-query";
import { ApiError, apiFetch } from "./api-fetch";
import { encodePath } from "./file-urls";
import type { FolderListing, JobAnswer } from "../core/api-types";
import { useLiveInterval } from "./live-updates";
import { queryKeys } from "./query-keys";

/** GET /api/jobs/:id, refetched when a job changes (polled every `refreshMs` without push). */
export function useJobQuery(id: number, refreshMs: number) {
  const interval = useLiveInterval(refreshMs);
  return useQuery({
    queryKey: queryKeys.jobs.detail(id),
    queryFn: () => apiFetch<JobAnswer>(`/api/jobs/${id}`),
    // A deleted job stops the polling; any other error (server restarting) only slows it.
    refetchInterval: (query) => (query.state.error instanceof ApiError && query.state.error.status === 404 ? false : query.state.error ? refreshMs * 3 : interval),
  });
}

/** A folder path the server refused as such (400: `..`, an absolute path; 403: a link leading outside): asking again changes nothing. */
export const isRefusedPath = (error: unknown) => error instanceof ApiError && (error.status === 400 || error.status === 403);

/**
 * The query of one folder of the job (useJobFilesQuery's). `folder` (the job's current
 * folder) is part of the key: a job moving between queues is re-read at once. A refused
 * path is not asked again (a job's change, the polling, the window's focus): TanStack Query
 * clears the error of a query without data as soon as it is fetched again, so the refusal
 * of `?file=../../etc/passwd` blinked out at every change of a job, and the Files panel
 * stood empty without a word.
 */
export function jobFilesQuery(id: number, path: string, refreshMs: number, folder: string) {
  return queryOptions({
    queryKey: [...queryKeys.jobs.files(id, path), folder],
    queryFn: () => apiFetch<FolderListing>(`/api/jobs/${id}/files?path=${encodePath(path)}`),
    refetchInterval: refreshMs * 3,
    enabled: (query) => !isRefusedPath(query.state.error),
  });
}

/** GET /api/jobs/:id/files?path= — one folder of the job. */
export function useJobFilesQuery(id: number, path: string, refreshMs: number, folder: string) {
  return useQuery(jobFilesQuery(id, path, refreshMs, folder));
}
