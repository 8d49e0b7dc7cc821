"use client";
import { useQuery } from "@tanstack/react-query";
import { apiFetch } from "./api-fetch";
import type { Permissions, QueueStatus } from "./job-types";
import { queryKeys } from "./query-keys";

export interface StatusAnswer extends QueueStatus {
  refreshRate: number;
  displayDetails: boolean;
  isAdmin: boolean;
  can: Permissions;
  serverTime: string;
}

/** GET /api/status, polled at QMserv.cfg's Refresh_Rate. */
export function useStatusQuery() {
  return useQuery({
    queryKey: queryKeys.status(),
    queryFn: () => apiFetch<StatusAnswer>("/api/status"),
    refetchInterval: (query) => (query.state.data?.refreshRate ?? 2) * 1000,
  });
}

/** Milliseconds between page updates (Refresh_Rate), from the status query's cache. */
export function useRefreshMs(): number {
  const { data } = useStatusQuery();
  return (data?.refreshRate ?? 2) * 1000;
}
