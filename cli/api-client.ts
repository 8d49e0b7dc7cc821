/**
 * The qm command's HTTP client for QueueManager's JSON API: node:http(s) with a
 * keep-alive agent (100 submissions reuse a few connections), the token as
 * `Authorization: Bearer`, and the API's errors turned into CliErrors with exit codes.
 */
import http from "node:http";
import https from "node:https";
import { CliError, EXIT } from "./errors";

export interface ApiResponse {
  status: number;
  body: unknown;
}

export interface ApiClient {
  readonly baseUrl: string;
  /** A request whose non-2xx answers become CliErrors; the parsed JSON body otherwise. */
  call<T>(method: string, path: string, body?: { json: unknown } | { multipart: Buffer; boundary: string }, headers?: Record<string, string>): Promise<T>;
  /**
   * GET `path` and write its body into `sink` as it comes (a file, standard output);
   * non-2xx answers become CliErrors as with `call`, a body cut short rejects. Resolves to
   * the answer's headers once every byte is written (`end`: whether `sink` is ended then).
   */
  stream(path: string, sink: NodeJS.WritableStream, options?: { end?: boolean }): Promise<http.IncomingHttpHeaders>;
  close(): void;
}

/** `withPassword`: the request carried a user name and password (qm login), so "run qm login" is no help. */
function errorFor(status: number, body: unknown, what: string, withPassword: boolean): CliError {
  const error = (body as { error?: { code?: string; message?: string } } | null)?.error;
  const message = error?.message ?? `${what}: the server answered ${status}`;
  if (status === 401 || status === 403) return new CliError(EXIT.AUTH, status === 401 && !withPassword && !error?.message?.includes("token") ? `${message} (run qm login, or set QM_TOKEN)` : message);
  if (status === 404 && !error) return new CliError(EXIT.FAILED, `${what}: this QueueManager does not know that request (is QM_URL right, and the server recent enough?)`);
  return new CliError(EXIT.FAILED, message);
}

export function createApiClient(baseUrl: string, token: string | undefined): ApiClient {
  const base = new URL(baseUrl);
  const lib = base.protocol === "https:" ? https : http;
  const agent = new lib.Agent({ keepAlive: true, maxSockets: 8 });
  return {
    baseUrl: base.origin + base.pathname.replace(/\/$/, ""),
    call<T>(method: string, path: string, body?: { json: unknown } | { multipart: Buffer; boundary: string }, extra: Record<string, string> = {}) {
      const url = new URL(base.pathname.replace(/\/$/, "") + path, base);
      const payload = body && ("json" in body ? Buffer.from(JSON.stringify(body.json)) : body.multipart);
      const headers: Record<string, string> = {
        accept: "application/json",
        // Any value will do without a cookie; the API wants it on every change.
        "x-qm-csrf": "qm-cli",
        ...(token ? { authorization: `Bearer ${token}` } : {}),
        ...(body ? { "content-type": "json" in body ? "application/json" : `multipart/form-data; boundary=${body.boundary}`, "content-length": String(payload!.length) } : {}),
        ...extra,
      };
      const what = `${method} ${url.pathname}`;
      return new Promise<T>((resolve, reject) => {
        const req = lib.request(url, { method, headers, agent }, (res) => {
          const chunks: Buffer[] = [];
          res.on("data", (c: Buffer) => chunks.push(c));
          res.on("end", () => {
            const text = Buffer.concat(chunks).toString("utf8");
            let parsed: unknown = null;
            try {
              parsed = text ? JSON.parse(text) : null;
            } catch {
              parsed = null;
            }
            const status = res.statusCode ?? 0;
            if (status >= 200 && status < 300) resolve(parsed as T);
            else reject(errorFor(status, parsed, what, /^basic /i.test(headers.authorization ?? "")));
          });
          res.on("error", (e) => reject(new CliError(EXIT.UNREACHABLE, `${what}: ${e.message}`)));
        });
        req.on("error", (e: NodeJS.ErrnoException) => reject(new CliError(EXIT.UNREACHABLE, `cannot reach QueueManager at ${base.origin} (${e.code ?? e.message}); check QM_URL or qm login`)));
        req.end(payload);
      });
    },
    stream(path, sink, { end = true } = {}) {
      const url = new URL(base.pathname.replace(/\/$/, "") + path, base);
      const headers: Record<string, string> = { accept: "*/*", ...(token ? { authorization: `Bearer ${token}` } : {}) };
      const what = `GET ${url.pathname}`;
      return new Promise<http.IncomingHttpHeaders>((resolve, reject) => {
        const req = lib.request(url, { method: "GET", headers, agent }, (res) => {
          const status = res.statusCode ?? 0;
          if (status < 200 || status >= 300) {
            const chunks: Buffer[] = [];
            res.on("data", (c: Buffer) => chunks.push(c));
            res.on("end", () => {
              let parsed: unknown = null;
              try {
                parsed = JSON.parse(Buffer.concat(chunks).toString("utf8"));
              } catch {
                parsed = null;
              }
              reject(errorFor(status, parsed, what, false));
            });
            return;
          }
          // The server ends a body it cannot finish by closing the connection: that is an error here, never a short file.
          res.on("aborted", () => reject(new CliError(EXIT.FAILED, `${what}: the server stopped sending before the end`)));
          res.on("error", (e) => reject(new CliError(EXIT.FAILED, `${what}: ${e.message}`)));
          sink.on("error", (e: Error) => reject(new CliError(EXIT.FAILED, `writing ${what}'s answer: ${e.message}`)));
          res.on("end", () => {
            if (!res.complete) return reject(new CliError(EXIT.FAILED, `${what}: the server stopped sending before the end`));
            if (!end) return resolve(res.headers);
            sink.end(() => resolve(res.headers));
          });
          res.pipe(sink, { end: false });
        });
        req.on("error", (e: NodeJS.ErrnoException) => reject(new CliError(EXIT.UNREACHABLE, `cannot reach QueueManager at ${base.origin} (${e.code ?? e.message}); check QM_URL or qm login`)));
        req.end();
      });
    },
    close: () => agent.destroy(),
  };
}
