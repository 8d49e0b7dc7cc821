import type { QueryClient, QueryKey } from "@tanstack/react-query";

/** The one query-key factory: every useQuery/invalidate goes through these keys. */
export const queryKeys = {
  session: () => ["session"] as const,
  status: () => ["status"] as const,
  stats: (days: number) => ["stats", days] as const,
  config: () => ["config"] as const,
  retention: () => ["retention"] as const,
  users: () => ["users"] as const,
  tokens: () => ["account", "tokens"] as const,
  history: () => ["history-import"] as const,
  arrays: {
    all: () => ["arrays"] as const,
    detail: (id: number) => ["arrays", id] as const,
  },
  jobs: {
    list: (filters: Record<string, string | number | undefined>) => ["jobs", "list", filters] as const,
    detail: (id: number) => ["jobs", "detail", id] as const,
    files: (id: number, path: string) => ["jobs", "files", id, path] as const,
    wholeFile: (id: number, path: string) => ["jobs", "whole-file", id, path] as const,
    /**
     * A job's results strip, for one end of it (`end`: its finishedAt once finished, null
     * while it runs or waits): a requeued job that ends again is another key, asked anew.
     * Without `end`, every end of the job (to drop or refetch them all).
     */
    results: (id: number, ...end: [] | [string | null]) => ["jobs", "results", id, ...end] as const,
    progress: (id: number) => ["jobs", "progress", id] as const,
  },
  compare: (ids: string) => ["compare", ids] as const,
};

/**
 * Whether a query shows jobs' rows, and so is refetched when a job changes (the live
 * stream's change, an action on a job): lists, job pages, folder listings, arrays. Not a
 * job's results nor a whole file of it: a finished job's do not change (a requeued job's
 * results key changes with its end), and a running job's are polled. Refetching them on
 * every change cost a dashboard of 25 finished jobs 25 requests per progress line.
 */
export function followsJobRows(queryKey: QueryKey): boolean {
  const [scope, kind] = queryKey;
  return scope === "arrays" || (scope === "jobs" && (kind === "list" || kind === "detail" || kind === "files"));
}

/** Refetches what shows jobs' rows (followsJobRows). */
export const refetchJobRows = (client: QueryClient) => client.invalidateQueries({ predicate: (query) => followsJobRows(query.queryKey) });
