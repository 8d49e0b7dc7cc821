/**
 * The one place that turns errors into HTTP responses, and small helpers for route
 * handlers. Body of every error: `{ error: { code, message, details? } }`.
 */
import { ZodError } from "zod";
import { AppError, type AppErrorCode, isAppError } from "../core/app-error";
import { pathParam } from "../core/name-bytes";
import { isDatabaseUnreachable } from "../server/database-errors";
import { rawQueryOf } from "./raw-query";
import { webLog } from "./web-log";

const STATUS: Record<AppErrorCode, number> = {
  INVALID_INPUT: 400,
  UNAUTHORIZED: 401,
  FORBIDDEN: 403,
  NOT_FOUND: 404,
  CONFLICT: 409,
  INVALID_STATE: 409,
  TOO_LARGE: 413,
  RATE_LIMITED: 429,
  UNAVAILABLE: 503,
  DISK_FULL: 507,
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

let lastDatabaseWarning = 0;

/**
 * zod -> 400 with field details, AppError -> its status, the database out of reach -> 503
 * (said once a minute in the log), anything else -> 500 (logged).
 */
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
  if (isDatabaseUnreachable(error)) {
    // One line a minute in the log, not a stack per request, while the database is away.
    const now = Date.now();
    if (now - lastDatabaseWarning > 60_000) {
      lastDatabaseWarning = now;
      webLog().warn(`the database does not answer (${(error as Error).message.replace(/\s+/g, " ").trim().slice(-200)}): API requests answer 503 until it is back`);
    }
    return errorJson(503, {
      error: { code: "UNAVAILABLE", message: "The database does not answer; QueueManager works again as soon as it is back (GET /api/health says when). If it lasts, tell the administrator." },
    }, { "Retry-After": "10" });
  }
  webLog().error(`unexpected error in an API route: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}`);
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
    const started = performance.now();
    let response: Response;
    try {
      response = await fn(request, context);
    } catch (error) {
      response = toErrorResponse(error);
    }
    webLog().debug(`${request.method} ${new URL(request.url).pathname} ${response.status} ${(performance.now() - started).toFixed(1)} ms`);
    return response;
  };
}

/** JSON response that is never cached (the UI polls these). */
export function json(data: unknown, init?: ResponseInit): Response {
  const headers = new Headers(init?.headers);
  if (!headers.has("Cache-Control")) headers.set("Cache-Control", "no-store");
  return Response.json(data, { ...init, headers });
}

/** The largest JSON body a route reads (login, setup, configuration): 64 KB. */
export const JSON_BODY_LIMIT = 64 * 1024;

/**
 * The body as text, read chunk by chunk and refused (TOO_LARGE) as soon as it passes
 * `limit` bytes, whatever Content-Length says: a 200 MB body never sits in memory.
 */
async function readCappedText(request: Request, limit: number): Promise<string> {
  const tooLarge = () => new AppError("TOO_LARGE", `The request body is larger than ${Math.round(limit / 1024)} KB; this route takes a small JSON object.`);
  if (Number(request.headers.get("content-length") ?? 0) > limit) throw tooLarge();
  if (!request.body) return "";
  const reader = request.body.getReader();
  const chunks: Uint8Array[] = [];
  let size = 0;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    size += value.byteLength;
    if (size > limit) {
      await reader.cancel().catch(() => undefined);
      throw tooLarge();
    }
    chunks.push(value);
  }
  return Buffer.concat(chunks).toString("utf8");
}

/**
 * Parse a JSON request body (at most JSON_BODY_LIMIT) with a zod schema (errors become 400
 * with field details). No body is an empty object; a body that is not JSON (a form's
 * `priority=5`, a cut-off object) is said to be so, not read as an object with no fields.
 */
export async function readJson<T>(request: Request, schema: { parse(value: unknown): T }): Promise<T> {
  const text = await readCappedText(request, JSON_BODY_LIMIT);
  let body: unknown;
  try {
    body = text.trim() ? JSON.parse(text) : undefined;
  } catch (error) {
    const type = request.headers.get("content-type")?.split(";")[0].trim();
    throw new AppError(
      "INVALID_INPUT",
      `The request body is not JSON (${(error as Error).message}${type && type !== "application/json" ? `; it was sent as ${type}` : ""}): send a JSON object, as curl -H 'content-type: application/json' -d '{"name": "value"}' does`,
    );
  }
  return schema.parse(body ?? {});
}

/** The query string of a request as a plain object (for zod parsing). */
export function searchParamsOf(request: Request): Record<string, string> {
  const url = new URL(request.url);
  const params = Object.fromEntries(url.searchParams);
  // A path of a job folder is bytes, and a name need not be UTF-8: read byte for byte (lib/core/name-bytes.ts).
  const path = pathParam(rawQueryOf(request), "path");
  if (path !== null) params.path = path;
  return params;
}
