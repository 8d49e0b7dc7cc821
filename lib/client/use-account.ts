"use client";
/** One's own account: API tokens and password (the /account page). */
import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import type { CreatedToken, TokenSummary } from "../core/account-types";
import { apiFetch } from "./api-fetch";
import { queryKeys } from "./query-keys";

export function useTokensQuery() {
  return useQuery({ queryKey: queryKeys.tokens(), queryFn: () => apiFetch<{ tokens: TokenSummary[] }>("/api/account/tokens") });
}

export function useCreateTokenMutation() {
  const client = useQueryClient();
  return useMutation({
    mutationFn: (name: string) => apiFetch<{ token: CreatedToken }>("/api/account/tokens", { method: "POST", body: JSON.stringify({ name }) }),
    onSettled: () => client.invalidateQueries({ queryKey: queryKeys.tokens() }),
  });
}

export function useRevokeTokenMutation() {
  const client = useQueryClient();
  return useMutation({
    mutationFn: (id: number) => apiFetch<{ token: TokenSummary }>(`/api/account/tokens/${id}`, { method: "DELETE" }),
    onSettled: () => client.invalidateQueries({ queryKey: queryKeys.tokens() }),
  });
}

export function useChangePasswordMutation() {
  return useMutation({
    mutationFn: (input: { currentPassword: string; newPassword: string }) => apiFetch<{ ok: true }>("/api/account/password", { method: "POST", body: JSON.stringify(input) }),
  });
}
