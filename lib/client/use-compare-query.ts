"use client";
import { keepPreviousData, useQuery } from "@tanstack/react-query";
import type { CompareAnswer } from "../core/api-types";
import { apiFetch } from "./api-fetch";
import { queryKeys } from "./query-keys";

/** What a compare URL names: job ids (`12,13,20-24`) or an array. */
export interface CompareTarget {
  ids?: string;
  array?: string;
}

export const compareSearch = (t: CompareTarget) => (t.array ? `array=${encodeURIComponent(t.array)}` : `ids=${encodeURIComponent(t.ids ?? "")}`);

/** GET /api/compare for these runs; finished runs do not change, so it is asked once. */
export function useCompareQuery(target: CompareTarget) {
  const search = compareSearch(target);
  return useQuery({
    queryKey: queryKeys.compare(search),
    queryFn: () => apiFetch<CompareAnswer>(`/api/compare?${search}`),
    enabled: Boolean(target.array || target.ids),
    placeholderData: keepPreviousData,
    staleTime: 60_000,
  });
}
