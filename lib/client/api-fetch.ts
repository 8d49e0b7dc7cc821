/**
 * fetch for the JSON API: adds the CSRF header to mutations and turns the error body
 * `{ error: { code, message, details } }` into an ApiError.
 */
import { CSRF_HEADER_NAME, getCsrfToken } from "./csrf";

export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    readonly details?: Record<string, string>,
  ) {
    super(message);
    this.name = "ApiError";
  }
}

export async function apiFetch<T>(url: string, init: RequestInit = {}): Promise<T> {
  const method = (init.method ?? "GET").toUpperCase();
  const headers = new Headers(init.headers);
  if (method !== "GET" && method !== "HEAD") headers.set(CSRF_HEADER_NAME, await getCsrfToken());
  if (init.body && typeof init.body === "string" && !headers.has("content-type")) headers.set("content-type", "application/json");
  const res = await fetch(url, { ...init, headers, credentials: "same-origin", cache: "no-store" });
  if (!res.ok) throw await toApiError(res);
  if (res.status === 204) return undefined as T;
  return (await res.json()) as T;
}

/** What to tell the user about a failed call: the server's message, or that it was not reached. */
export function errorMessageOf(error: unknown, unreachable = "Cannot reach the server; try again."): string {
  return error instanceof ApiError ? error.message : unreachable;
}

export async function toApiError(res: Response): Promise<ApiError> {
  try {
    const body = (await res.json()) as { error?: { code?: string; message?: string; details?: Record<string, string> } };
    if (body.error?.message) return new ApiError(res.status, body.error.code ?? "ERROR", body.error.message, body.error.details);
  } catch {
    // not JSON: fall through
  }
  return new ApiError(res.status, "HTTP_" + res.status, `The server answered ${res.status} ${res.statusText}`.trim());
}
