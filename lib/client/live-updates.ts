"use client";
/**
 * Pushed updates for every page: the shared event stream (live-stream.ts) keeps the status
 * query fresh and refetches the job queries when a job changed: at once after a quiet
 * spell, then at most once per REFETCH_GAP_MS (or Refresh_Rate, if shorter) while changes
 * keep coming, so that a burst of job ends costs each page one request per list and second.
 * What is refetched is what shows jobs' rows (`followsJobRows`), never finished jobs' results.
 * While the stream works, queries do not poll (`useLiveInterval`); when it drops they poll
 * at Refresh_Rate again, until it is back.
 */
import { type QueryClient, useQueryClient } from "@tanstack/react-query";
import { useEffect, useSyncExternalStore } from "react";
import type { LiveChange, StatusAnswer } from "../core/api-types";
import { connectLiveStream } from "./live-stream";
import { followsJobRows, queryKeys, refetchJobRows } from "./query-keys";

const REFETCH_GAP_MS = 1_000;

let live = false;
const watchers = new Set<() => void>();
const setLive = (value: boolean) => {
  live = value;
  for (const notify of watchers) notify();
};

/** Whether pushed updates arrive now (queries need not poll). */
export function useIsLive(): boolean {
  return useSyncExternalStore(
    (notify) => (watchers.add(notify), () => watchers.delete(notify)),
    () => live,
    () => false,
  );
}

/** A query's refetchInterval: none while updates are pushed, `refreshMs` otherwise. */
export function useLiveInterval(refreshMs: number): number | false {
  return useIsLive() ? false : refreshMs;
}

/** What the stream's events do to the page's queries (exported for its test). */
export function applyChanges(client: QueryClient) {
  let version: string | null = null;
  let refetchedAt = 0;
  let pending: ReturnType<typeof setTimeout> | undefined;
  const refetchJobs = () => {
    pending = undefined;
    refetchedAt = Date.now();
    // A list's first fetch still under way is joined, not sent again (TanStack Query
    // cancels only the refetch of data it already has), and its answer may predate this
    // change: it is fetched once more when it ends. (A page opened just before a job came
    // and went kept a list without it until the next change.)
    const firsts = client
      .getQueryCache()
      .findAll({ predicate: (query) => followsJobRows(query.queryKey), fetchStatus: "fetching" })
      .filter((query) => query.state.data === undefined);
    void refetchJobRows(client);
    for (const query of firsts) {
      const again = () => void client.invalidateQueries({ queryKey: query.queryKey, exact: true });
      query.promise?.then(again, again);
    }
  };
  const jobsChanged = (windowMs: number) => {
    if (pending) return;
    const wait = refetchedAt + windowMs - Date.now();
    if (wait <= 0) refetchJobs();
    else pending = setTimeout(refetchJobs, wait);
  };
  return {
    onChange(change: LiveChange) {
      client.setQueryData<StatusAnswer>(queryKeys.status(), (old) => (old ? { ...old, ...change.status } : old));
      if (change.jobsVersion === version) return;
      // The first event after (re)connecting: changes may have been missed meanwhile.
      version = change.jobsVersion;
      jobsChanged(Math.min(REFETCH_GAP_MS, change.status.refreshRate * 1000));
    },
    onLive: setLive,
    stop: () => clearTimeout(pending),
  };
}

/** Mounted once, under the QueryClientProvider. */
export function useLiveUpdates(): void {
  const client = useQueryClient();
  useEffect(() => {
    const changes = applyChanges(client);
    const disconnect = connectLiveStream("/api/events", changes);
    return () => {
      disconnect();
      changes.stop();
      setLive(false);
    };
  }, [client]);
}
