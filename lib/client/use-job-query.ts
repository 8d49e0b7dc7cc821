"use client";
import { useQuery } from "@tanstack/react-query";
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

/** GET /api/jobs/:id/files?path= — one folder of the job. */
/** `folder` (the job's current folder) is part of the key: a job moving between queues is re-read at once. */
export function useJobFilesQuery(id: number, path: string, refreshMs: number, folder: string) {
  return useQuery({
    queryKey: [...queryKeys.jobs.files(id, path), folder],
    queryFn: () => apiFetch<FolderListing>(`/api/jobs/${id}/files?path=${encodePath(path)}`),
    refetchInterval: refreshMs * 3,
  });
}
