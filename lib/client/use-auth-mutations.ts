"use client";
/**
 * Log in, first-start setup and log out. Each changes who the browser is: the CSRF
 * token for mutations is replaced and every query is fetched again (admin-only
 * columns, buttons and permissions depend on it). The mutation resolves without waiting
 * for those fetches, so the form's navigation starts before the header shows the new
 * session: a link clicked on the new header is never overridden by the form's
 * navigation starting after it.
 */
import { useMutation, useQueryClient } from "@tanstack/react-query";
import type { LoginInput, SetupInput } from "../core/auth-schemas";
import { apiFetch } from "./api-fetch";
import { setCsrfToken } from "./csrf";

/** A mutation after which the session is different: `csrfToken` null means "none yet". */
function useSessionChange<Input>(change: (input: Input) => Promise<{ csrfToken: string | null }>) {
  const client = useQueryClient();
  return useMutation({
    mutationFn: change,
    onSuccess: ({ csrfToken }) => {
      setCsrfToken(csrfToken);
      void client.invalidateQueries();
    },
  });
}

const postCredentials = <Input extends LoginInput | SetupInput>(url: string) => (credentials: Input) =>
  apiFetch<{ csrfToken: string }>(url, { method: "POST", body: JSON.stringify(credentials) });

/** POST /api/auth/login */
export const useLoginMutation = () => useSessionChange(postCredentials<LoginInput>("/api/auth/login"));

/** POST /api/auth/setup: creates the administrator (only while none exists) and logs in. */
export const useSetupMutation = () => useSessionChange(postCredentials<SetupInput>("/api/auth/setup"));

/** POST /api/auth/logout; logged out on this page even when the server cannot be reached. */
export const useLogoutMutation = () =>
  useSessionChange(async () => {
    await apiFetch("/api/auth/logout", { method: "POST" }).catch(() => undefined);
    return { csrfToken: null };
  });
