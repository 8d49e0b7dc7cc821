"use client";
import { keepPreviousData, useQuery } from "@tanstack/react-query";
import { apiFetch } from "./api-fetch";
import type { JobsAnswer } from "../core/api-types";
import { useLiveInterval } from "./live-updates";
import { queryKeys } from "./query-keys";

export interface JobsFilters {
  view: "queued" | "running" | "finished" | "all";
  state?: string;
  owner?: string;
  q?: string;
  page?: number;
  pageSize?: number;
}

export function jobsUrl(filters: JobsFilters): string {
  const params = new URLSearchParams();
  for (const [k, v] of Object.entries(filters)) if (v !== undefined && v !== "") params.set(k, String(v));
  return `/api/jobs?${params}`;
}

/** GET /api/jobs with filters, refetched when a job changes (polled every `refreshMs` without push); keeps the last page while paging. */
export function useJobsQuery(filters: JobsFilters, refreshMs: number) {
  return useQuery({
    queryKey: queryKeys.jobs.list({ ...filters }),
    queryFn: () => apiFetch<JobsAnswer>(jobsUrl(filters)),
    refetchInterval: useLiveInterval(refreshMs),
    placeholderData: keepPreviousData,
  });
}
