"use client";
import { useQuery } from "@tanstack/react-query";
import { apiFetch } from "./api-fetch";
import { setCsrfToken } from "./csrf";
import { queryKeys } from "./query-keys";

/** GET /api/auth/session */
export interface SessionState {
  admin: { username: string } | null;
  csrfToken: string;
  loginRequired: boolean;
  setupNeeded: boolean;
  /** Setup from this browser needs the one-time token printed in the server log. */
  setupTokenRequired: boolean;
}

export function useSessionQuery() {
  return useQuery({
    queryKey: queryKeys.session(),
    queryFn: async () => {
      const session = await apiFetch<SessionState>("/api/auth/session");
      setCsrfToken(session.csrfToken);
      return session;
    },
    staleTime: 30_000,
  });
}
