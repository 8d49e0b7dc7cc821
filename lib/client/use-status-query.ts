"use client";
import { useQuery } from "@tanstack/react-query";
import { apiFetch } from "./api-fetch";
import type { StatusAnswer } from "../core/api-types";
import { useIsLive } from "./live-updates";
import { queryKeys } from "./query-keys";

/** GET /api/status, then pushed (live-updates.ts); polled at QMserv.cfg's Refresh_Rate while the push is down. */
export function useStatusQuery() {
  const live = useIsLive();
  return useQuery({
    queryKey: queryKeys.status(),
    queryFn: () => apiFetch<StatusAnswer>("/api/status"),
    refetchInterval: (query) => (live ? false : (query.state.data?.refreshRate ?? 2) * 1000),
  });
}

/** Milliseconds between page updates (Refresh_Rate), from the status query's cache. */
export function useRefreshMs(): number {
  const { data } = useStatusQuery();
  return (data?.refreshRate ?? 2) * 1000;
}
