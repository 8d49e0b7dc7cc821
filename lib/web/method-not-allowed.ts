/**
 * A method an API route does not take (`PUT /api/jobs/12`): Next answers an empty 405, which
 * tells a script's author nothing. QueueManager's web server (scripts/web-server.ts) gives
 * it the API's error shape instead, naming the method and the address. No route of ours
 * answers 405 itself, so every 405 under /api/ is Next's. Pure Node: the web server bundle
 * imports it.
 */
import type { IncomingMessage, ServerResponse } from "node:http";

/** The body of the API's 405: what was asked, and where the methods of each address are listed. */
export function methodNotAllowedBody(method: string, target: string): string {
  const address = target.split(/[?#]/, 1)[0];
  return JSON.stringify({
    error: {
      code: "METHOD_NOT_ALLOWED",
      message: `${address} does not take ${method} requests; docs/api.md lists the methods of each address (GET reads, POST acts, DELETE removes).`,
    },
  });
}

/**
 * Give Next's empty 405 answers to requests under /api/ the API's error body. Next may send
 * the status line before its empty end (through its compression layer, which leaves an
 * answer with no content type as it is), so the headers are set as the status goes out,
 * and the body is written at the end.
 */
export function explainMethodNotAllowed(req: IncomingMessage, res: ServerResponse): void {
  const target = req.url ?? "/";
  if (!target.startsWith("/api/") || req.method === "HEAD") return;
  let body: string | null = null;
  const writeHead = res.writeHead.bind(res) as (...args: unknown[]) => ServerResponse;
  res.writeHead = ((status: number, ...rest: unknown[]) => {
    if (status === 405 && body === null && !res.hasHeader("content-type")) {
      body = methodNotAllowedBody(req.method ?? "?", target);
      res.setHeader("content-type", "application/json");
      res.setHeader("cache-control", "no-store");
      res.setHeader("content-length", Buffer.byteLength(body));
    }
    return writeHead(status, ...rest);
  }) as ServerResponse["writeHead"];
  const end = res.end.bind(res) as (...args: unknown[]) => ServerResponse;
  res.end = ((...args: unknown[]) => {
    const empty = args.length === 0 || args[0] === undefined || args[0] === null || typeof args[0] === "function";
    if (res.statusCode === 405 && empty) {
      if (!res.headersSent) res.writeHead(405);
      if (body !== null) return typeof args[0] === "function" ? end(body, args[0]) : end(body);
    }
    return end(...args);
  }) as ServerResponse["end"];
}
