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
    all: () => ["jobs"] as const,
    list: (filters: Record<string, string | number | undefined>) => ["jobs", "list", filters] as const,
    detail: (id: number) => ["jobs", "detail", id] as const,
    files: (id: number, path: string) => ["jobs", "files", id, path] as const,
    wholeFile: (id: number, path: string) => ["jobs", "whole-file", id, path] as const,
    results: (id: number) => ["jobs", "results", id] as const,
    progress: (id: number) => ["jobs", "progress", id] as const,
  },
  compare: (ids: string) => ["compare", ids] as const,
};
