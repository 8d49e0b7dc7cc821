/**
 * A request whose path has a malformed %-encoding (`/api/jobs/%ZZ`, a lone `%`, bytes that
 * are not UTF-8 such as `%C0%AF`): Next decodes the path before any route of ours runs and
 * answers such a one with a plain-text 500, which says the server failed when the address
 * was wrong. QueueManager's web server (scripts/web-server.ts) answers it itself, before
 * Next, with a 400 in the API's error shape. Pure Node: the web server bundle imports it.
 */
import type { IncomingMessage, ServerResponse } from "node:http";

/** Whether the path part of a request target (before `?`) decodes; the query is left to the routes, which read it leniently. */
export function hasMalformedPath(target: string): boolean {
  const path = target.split(/[?#]/, 1)[0];
  try {
    decodeURIComponent(path);
    return false;
  } catch {
    return true;
  }
}

/** Answer 400 INVALID_INPUT when the request's path is malformed; true when it did (the request is then handled). */
export function refuseMalformedPath(req: IncomingMessage, res: ServerResponse): boolean {
  if (!hasMalformedPath(req.url ?? "/")) return false;
  const body = JSON.stringify({
    error: {
      code: "INVALID_INPUT",
      message: "The address has a malformed %-encoding: each % must start a %XX escape of UTF-8 bytes (write a % itself as %25). Check the link or the script that made it.",
    },
  });
  res.writeHead(400, { "content-type": "application/json", "cache-control": "no-store", "content-length": Buffer.byteLength(body) }).end(body);
  return true;
}
