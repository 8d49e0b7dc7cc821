/** The CSRF token for mutations, fetched once from GET /api/auth/session and cached. */
export const CSRF_HEADER_NAME = "x-qm-csrf";

let cached: Promise<string> | null = null;

export function getCsrfToken(): Promise<string> {
  cached ??= fetch("/api/auth/session", { credentials: "same-origin", cache: "no-store" })
    .then((r) => r.json())
    .then((s: { csrfToken?: string }) => s.csrfToken ?? "anonymous")
    .catch((error) => {
      cached = null;
      throw error;
    });
  return cached;
}

/** Call after login/logout: the next mutation fetches the new token. */
export function setCsrfToken(token: string | null): void {
  cached = token === null ? null : Promise.resolve(token);
}
