"use client";
import { useQuery } from "@tanstack/react-query";
import type { SessionUser } from "../core/account-types";
import { apiFetch } from "./api-fetch";
import { setCsrfToken } from "./csrf";
import { queryKeys } from "./query-keys";

/** GET /api/auth/session */
export interface SessionState {
  user: SessionUser | null;
  /** How the user was recognised: a login session, or the lab's reverse proxy. */
  via: "session" | "basic" | "token" | "proxy" | "anonymous";
  csrfToken: string;
  /** Viewing needs a login (Require_Login = yes). */
  loginRequired: boolean;
  /** Submitting needs a login (Require_Login = yes, or auto on the lab network). */
  submitNeedsLogin: boolean;
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
