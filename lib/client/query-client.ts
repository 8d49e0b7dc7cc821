import { QueryClient } from "@tanstack/react-query";
import { ApiError } from "./api-fetch";

/**
 * Whether a failed query is asked again (once): not when the server answered a 4xx. No such
 * job, file or path, a refusal: asking again gives the same answer, and the page showed
 * "Loading job 99999..." for seconds before saying there is no such job. A network failure
 * or a 5xx may pass.
 */
export function shouldRetryQuery(failureCount: number, error: unknown): boolean {
  if (error instanceof ApiError && error.status >= 400 && error.status < 500) return false;
  return failureCount < 1;
}

export function makeQueryClient(): QueryClient {
  return new QueryClient({ defaultOptions: { queries: { staleTime: 1_000, retry: shouldRetryQuery, refetchOnWindowFocus: true } } });
}
