/**
 * The query string as the client sent it. Next rebuilds a request's URL from the query it
 * parsed, and that parse reads `%E9`, a byte that is not UTF-8, as U+FFFD: `?path=r%E9s.txt`
 * reached a route as `?path=r%EF%BF%BDs.txt` and named nothing. A job folder's paths are
 * bytes (lib/core/name-bytes.ts), so the server that wraps Next (scripts/web-server.ts) hands
 * the query over as it came, in RAW_QUERY_HEADER. A copy the client wrote is replaced; were
 * one believed (a bare `next start`), it would only say again what the client may put in the
 * URL itself. Pure Node: the web server bundle imports it.
 */
import type { IncomingMessage } from "node:http";

export const RAW_QUERY_HEADER = "x-qm-raw-query";

/** Overwrite RAW_QUERY_HEADER with the request target's query (from its `?`, or empty), dropping every copy the client sent. */
export function setRawQueryHeader(req: IncomingMessage): void {
  const target = (req.url ?? "").split("#", 1)[0];
  const at = target.indexOf("?");
  const query = at < 0 ? "" : target.slice(at);
  for (let i = req.rawHeaders.length - 2; i >= 0; i -= 2) {
    if (req.rawHeaders[i].toLowerCase() === RAW_QUERY_HEADER) req.rawHeaders.splice(i, 2);
  }
  req.rawHeaders.push(RAW_QUERY_HEADER, query);
  req.headers[RAW_QUERY_HEADER] = query;
}

/** The query of `request` as its client sent it: RAW_QUERY_HEADER when our server set it, else the URL's. */
export function rawQueryOf(request: Request): string {
  return request.headers.get(RAW_QUERY_HEADER) ?? new URL(request.url).search;
}
