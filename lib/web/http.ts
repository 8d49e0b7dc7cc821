/**
 * The one place that turns errors into HTTP responses, and small helpers for route
 * handlers. Body of every error: `{ error: { code, message, details? } }`.
 */
import { ZodError } from "zod";
import { type AppErrorCode, isAppError } from "../core/app-error";

const STATUS: Record<AppErrorCode, number> = {
  INVALID_INPUT: 400,
  UNAUTHORIZED: 401,
  FORBIDDEN: 403,
  NOT_FOUND: 404,
  CONFLICT: 409,
  INVALID_STATE: 409,
  TOO_LARGE: 413,
  RATE_LIMITED: 429,
};

/** The HTTP status an AppError code maps to. */
export function statusOf(code: AppErrorCode): number {
  return STATUS[code] ?? 500;
}

export interface ErrorBody {
  error: { code: string; message: string; details?: Record<string, string> };
}

function errorJson(status: number, body: ErrorBody, headers?: HeadersInit): Response {
  return Response.json(body, { status, headers: { "Cache-Control": "no-store", ...headers } });
}

/** zod -> 400 with field details, AppError -> its status, anything else -> 500 (logged). */
export function toErrorResponse(error: unknown): Response {
  if (error instanceof ZodError) {
    const details: Record<string, string> = {};
    for (const issue of error.issues) {
      const key = issue.path.length ? issue.path.map(String).join(".") : "_";
      details[key] ??= issue.message;
    }
    const message = Object.entries(details)
      .map(([k, m]) => (k === "_" ? m : `${k}: ${m}`))
      .join("; ");
    return errorJson(400, { error: { code: "INVALID_INPUT", message: message || "invalid request", details } });
  }
  if (isAppError(error)) {
    const headers = error.code === "RATE_LIMITED" && error.details?.retryAfterSeconds ? { "Retry-After": error.details.retryAfterSeconds } : undefined;
    return errorJson(
      statusOf(error.code),
      { error: { code: error.code, message: error.message, ...(error.details ? { details: error.details } : {}) } },
      headers,
    );
  }
  console.error("[api] unexpected error:", error);
  return errorJson(500, { error: { code: "INTERNAL", message: "Something went wrong on the server; the details are in the server log." } });
}

/**
 * Wrap a route handler so that any thrown error becomes the standard error response.
 * `export const GET = apiHandler(async (request, { params }) => ...)`.
 */
export function apiHandler<C = unknown>(
  fn: (request: Request, context: C) => Promise<Response> | Response,
): (request: Request, context: C) => Promise<Response> {
  return async (request, context) => {
    try {
      return await fn(request, context);
    } catch (error) {
      return toErrorResponse(error);
    }
  };
}

/** JSON response that is never cached (the UI polls these). */
export function json(data: unknown, init?: ResponseInit): Response {
  const headers = new Headers(init?.headers);
  if (!headers.has("Cache-Control")) headers.set("Cache-Control", "no-store");
  return Response.json(data, { ...init, headers });
}

/** Parse a JSON request body with a zod schema (errors become 400 with field details). */
export async function readJson<T>(request: Request, schema: { parse(value: unknown): T }): Promise<T> {
  let body: unknown;
  try {
    body = await request.json();
  } catch {
    body = undefined;
  }
  return schema.parse(body ?? {});
}

/** The query string of a request as a plain object (for zod parsing). */
export function searchParamsOf(request: Request): Record<string, string> {
  return Object.fromEntries(new URL(request.url).searchParams);
}
