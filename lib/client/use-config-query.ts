"use client";
import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import type { ConfigForm, ConfigUpdate } from "../core/config-form";
import { apiFetch } from "./api-fetch";
import { queryKeys } from "./query-keys";

/** GET /api/config (administrator only). */
export function useConfigQuery() {
  return useQuery({
    queryKey: queryKeys.config(),
    queryFn: () => apiFetch<ConfigForm>("/api/config"),
    refetchOnWindowFocus: false,
    retry: false,
  });
}

/** PUT /api/config; on success the form shows what the file now says. */
export function useSaveConfigMutation() {
  const client = useQueryClient();
  return useMutation({
    mutationFn: (input: { version: string; values: Record<string, string>; clear?: string[] }) =>
      apiFetch<ConfigUpdate>("/api/config", { method: "PUT", body: JSON.stringify(input) }),
    onSuccess: (result) => {
      client.setQueryData(queryKeys.config(), { path: result.path, version: result.version, fields: result.fields, restartPending: result.restartPending });
      return client.invalidateQueries({ queryKey: queryKeys.status() });
    },
  });
}
