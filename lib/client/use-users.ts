"use client";
/** The administrator's users page: the accounts, creating one, changing one, deleting one. */
import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import type { DeletedUser, UserSummary } from "../core/account-types";
import type { CreateUserInput, UpdateUserInput } from "../core/user-schemas";
import { apiFetch } from "./api-fetch";
import { queryKeys } from "./query-keys";

export function useUsersQuery() {
  return useQuery({ queryKey: queryKeys.users(), queryFn: () => apiFetch<{ users: UserSummary[] }>("/api/users") });
}

export function useCreateUserMutation() {
  const client = useQueryClient();
  return useMutation({
    mutationFn: (input: CreateUserInput) => apiFetch<{ user: UserSummary }>("/api/users", { method: "POST", body: JSON.stringify(input) }),
    onSettled: () => client.invalidateQueries({ queryKey: queryKeys.users() }),
  });
}

export function useUpdateUserMutation() {
  const client = useQueryClient();
  return useMutation({
    mutationFn: ({ id, ...change }: UpdateUserInput & { id: number }) => apiFetch<{ user: UserSummary }>(`/api/users/${id}`, { method: "PATCH", body: JSON.stringify(change) }),
    onSettled: () => client.invalidateQueries({ queryKey: queryKeys.users() }),
  });
}

/** Deletes an account; refused (409) with a sentence saying what to do, shown as it is. */
export function useDeleteUserMutation() {
  const client = useQueryClient();
  return useMutation({
    mutationFn: (id: number) => apiFetch<{ deleted: DeletedUser }>(`/api/users/${id}`, { method: "DELETE" }),
    onSettled: () => client.invalidateQueries({ queryKey: queryKeys.users() }),
  });
}
