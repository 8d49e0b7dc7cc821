"use client";
import { useQuery } from "@tanstack/react-query";
import type { JobStats } from "../core/job-stats";
import { apiFetch } from "./api-fetch";
import { queryKeys } from "./query-keys";

/** GET /api/stats: per-owner totals and jobs ended per day. */
export function useStatsQuery(days = 30) {
  return useQuery({
    queryKey: queryKeys.stats(days),
    queryFn: () => apiFetch<JobStats>(`/api/stats?days=${days}`),
    refetchInterval: 30_000,
  });
}
