"use client";
/** The administrator's history import (GET/POST /api/admin/history). */
import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import type { ImportReport } from "../core/qm-history";
import { apiFetch } from "./api-fetch";
import { queryKeys, refetchJobRows } from "./query-keys";

export function useHistoryQuery() {
  return useQuery({ queryKey: queryKeys.history(), queryFn: () => apiFetch<{ last: ImportReport | null; importedJobs: number }>("/api/admin/history") });
}

export function useImportHistoryMutation() {
  const client = useQueryClient();
  return useMutation({
    mutationFn: () => apiFetch<{ report: ImportReport; importedJobs: number }>("/api/admin/history", { method: "POST" }),
    onSettled: () => Promise.all([client.invalidateQueries({ queryKey: queryKeys.history() }), refetchJobRows(client)]),
  });
}
