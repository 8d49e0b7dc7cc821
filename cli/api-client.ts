/**
 * The qm command's HTTP client for QueueManager's JSON API: node:http(s) with a
 * keep-alive agent (100 submissions reuse a few connections; node:https loaded only for an
 * https:// QM_URL, its TLS stack being a tenth of the command's start), the token as
 * `Authorization: Bearer`, and the API's errors turned into CliErrors with exit codes.
 * Whatever answers at QM_URL may not be QueueManager (a proxy's error page, a web site,
 * a server that hangs): a JSON answer is read up to MAX_JSON_ANSWER bytes and within the
 * timeout, and anything but JSON, or JSON without what its kind of answer holds, is said to be so.
 */
import http from "node:http";
import type { AnswerShape } from "./answer-shapes";
import { CliError, EXIT } from "./errors";

export interface ApiResponse {
  status: number;
  body: unknown;
}

/** How long qm waits for the server (QM_TIMEOUT), when not told otherwise: 30 s. */
export const DEFAULT_TIMEOUT_MS = 30_000;
/** The largest JSON answer qm reads: far more than QueueManager sends (500 jobs, 64 KB of log). */
export const MAX_JSON_ANSWER = 16 * 1024 * 1024;

export interface ApiClientOptions {
  /**
   * Connecting, and a silence while sending or receiving, may last this long; a JSON answer
   * must also have come whole within it once the request is sent (default DEFAULT_TIMEOUT_MS).
   */
  timeoutMs?: number;
  /** The largest JSON answer read (default MAX_JSON_ANSWER); streamed bodies have no cap. */
  maxAnswerBytes?: number;
}

export interface ApiClient {
  readonly baseUrl: string;
  /**
   * A request whose non-2xx answers become CliErrors; the parsed JSON body otherwise, once it
   * has the `shape` of its kind (cli/answer-shapes.ts): any other JSON is a CliError too.
   */
  call<T>(method: string, path: string, shape: AnswerShape<T>, body?: { json: unknown } | { multipart: Buffer; boundary: string }, headers?: Record<string, string>): Promise<T>;
  /**
   * GET `path` and write its body into `sink` as it comes (a file, standard output);
   * non-2xx answers become CliErrors as with `call`, a body cut short rejects. Resolves to
   * the answer's headers once every byte is written (`end`: whether `sink` is ended then).
   */
  stream(path: string, sink: NodeJS.WritableStream, options?: { end?: boolean }): Promise<http.IncomingHttpHeaders>;
  close(): void;
}

/**
 * `withPassword`: the request carried a user name and password (qm login), so "run qm login"
 * is no help. `url` and `apiPath`: what was asked (the API's path after QM_URL), to say
 * where a redirect points QM_URL to.
 */
function errorFor(res: http.IncomingMessage, body: unknown, what: string, withPassword: boolean, url: URL, apiPath: string): CliError {
  const status = res.statusCode ?? 0;
  if (status >= 300 && status < 400) {
    // nginx sending http:// to https://, a moved server: qm does not follow (the token would go along), it says where.
    const to = res.headers.location;
    let moved: string | undefined;
    try {
      const target = to ? new URL(to, url).href : undefined;
      moved = target?.endsWith(apiPath) ? target.slice(0, -apiPath.length) : target && new URL(target).origin;
    } catch {
      moved = undefined;
    }
    return new CliError(EXIT.UNREACHABLE, `${what}: the server sends qm elsewhere (${status}${to ? ` to ${to}` : ""}); set QM_URL, --url or qm login to QueueManager's own address${moved ? `, such as ${moved}` : ""}`);
  }
  const error = (body as { error?: { code?: string; message?: string } } | null)?.error;
  const message = error?.message ?? `${what}: the server answered ${status}`;
  if (status === 401 || status === 403) return new CliError(EXIT.AUTH, status === 401 && !withPassword && !error?.message?.includes("token") ? `${message} (run qm login, or set QM_TOKEN)` : message);
  if (status === 404 && !error) return new CliError(EXIT.FAILED, `${what}: this QueueManager does not know that request (is QM_URL right, and the server recent enough?)`);
  // A proxy that cannot reach QueueManager, or QueueManager without its database: for a moment, mostly.
  const transient = status === 502 || status === 503 || status === 504;
  if (!error && status >= 500) {
    // A proxy's error page (nginx's "502 Bad Gateway"): QueueManager behind it is down or slow.
    const kind = res.headers["content-type"]?.split(";")[0] || "no content type";
    return new CliError(EXIT.FAILED, `${what}: the server answered ${status} ${res.statusMessage ?? ""} (${kind}, not QueueManager's JSON): a proxy in front of QueueManager may not reach it, or the server failed; try again later, or tell the administrator`.replace(/  +/g, " "), transient);
  }
  return new CliError(EXIT.FAILED, message, transient);
}

const seconds = (ms: number) => `${Math.round(ms / 100) / 10} s`;

/** The body of `res`, or a CliError once it passes `max` bytes (said before reading when Content-Length tells). */
function readCapped(res: http.IncomingMessage, max: number, what: string, origin: string): Promise<Buffer> {
  const tooLarge = () =>
    new CliError(EXIT.FAILED, `${what}: the answer is larger than ${Math.round(max / 1024 / 1024)} MB, far more than QueueManager sends; is QM_URL (${origin}) the address of a QueueManager?`);
  return new Promise((resolve, reject) => {
    if (Number(res.headers["content-length"] ?? 0) > max) {
      reject(tooLarge());
      return res.destroy();
    }
    const chunks: Buffer[] = [];
    let size = 0;
    res.on("data", (c: Buffer) => {
      size += c.length;
      if (size > max) {
        reject(tooLarge());
        res.destroy();
      } else chunks.push(c);
    });
    res.on("end", () => resolve(Buffer.concat(chunks)));
    res.on("error", (e) => reject(new CliError(EXIT.UNREACHABLE, `${what}: ${e.message}`)));
    res.on("aborted", () => reject(new CliError(EXIT.UNREACHABLE, `${what}: the server stopped sending before the end`)));
  });
}

/** How requests go out: node:http, or node:https (loaded now) for an https:// base. */
interface Transport {
  request: typeof http.request;
  agent: http.Agent;
}

function openTransport(base: URL): Promise<Transport> {
  const options = { keepAlive: true, maxSockets: 8 };
  if (base.protocol !== "https:") return Promise.resolve({ request: http.request, agent: new http.Agent(options) });
  return import("node:https").then(({ default: https }) => ({ request: https.request as typeof http.request, agent: new https.Agent(options) }));
}

export function createApiClient(baseUrl: string, token: string | undefined, options: ApiClientOptions = {}): ApiClient {
  const base = new URL(baseUrl);
  const transport = openTransport(base);
  const timeoutMs = options.timeoutMs ?? DEFAULT_TIMEOUT_MS;
  const maxAnswer = options.maxAnswerBytes ?? MAX_JSON_ANSWER;
  const longer = "set QM_TIMEOUT=SECONDS to wait longer";
  const unreachable = (e: NodeJS.ErrnoException) => new CliError(EXIT.UNREACHABLE, `cannot reach QueueManager at ${base.origin} (${e.code ?? e.message}); check QM_URL or qm login`);
  /** The timeout's error: no connection at all, or a server that said nothing (more) in time. */
  const timedOut = (req: http.ClientRequest, what: string, answered: boolean) =>
    req.socket && !req.socket.connecting
      ? new CliError(EXIT.UNREACHABLE, `${what}: QueueManager at ${base.origin} did not ${answered ? "finish its answer" : "answer"} within ${seconds(timeoutMs)}; it may be overloaded, or QM_URL may point at something else (${longer})`)
      : new CliError(EXIT.UNREACHABLE, `cannot reach QueueManager at ${base.origin} (no connection within ${seconds(timeoutMs)}); check QM_URL or qm login, or ${longer}`);

  const root = base.origin + base.pathname.replace(/\/$/, "");
  return {
    baseUrl: root,
    call<T>(method: string, path: string, shape: AnswerShape<T>, body?: { json: unknown } | { multipart: Buffer; boundary: string }, extra: Record<string, string> = {}) {
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
      return transport.then(({ request, agent }) => new Promise<T>((resolve, reject) => {
        let answered = false;
        let deadline: NodeJS.Timeout | undefined;
        const fail = (error: CliError) => {
          clearTimeout(deadline);
          reject(error);
          req.destroy();
        };
        const req = request(url, { method, headers, agent, timeout: timeoutMs }, (res) => {
          answered = true;
          readCapped(res, maxAnswer, what, base.origin).then((raw) => {
            clearTimeout(deadline);
            const text = raw.toString("utf8");
            let parsed: unknown;
            try {
              parsed = JSON.parse(text);
            } catch {
              parsed = undefined;
            }
            const status = res.statusCode ?? 0;
            if (status < 200 || status >= 300) return reject(errorFor(res, parsed ?? null, what, /^basic /i.test(headers.authorization ?? ""), url, path));
            // A web page or a proxy's login form at QM_URL answers 200 too: never read as "done".
            if (parsed === undefined || parsed === null) {
              const kind = res.headers["content-type"]?.split(";")[0] || "no content type";
              return reject(new CliError(EXIT.FAILED, `${what}: the answer is not QueueManager's JSON (${text ? kind : "an empty answer"}); is QM_URL (${base.origin}) the address of a QueueManager, not of a web page or a proxy's login?`));
            }
            // JSON, but not QueueManager's (another API at QM_URL): never read as "done", nor read into a crash.
            if (!shape.fits(parsed)) return reject(new CliError(EXIT.FAILED, `${root}: the answer to ${what} is not QueueManager's (${shape.lacks}); is QM_URL right?`));
            resolve(parsed);
          }, fail);
        });
        // Silence while connecting or sending; then the whole answer within the timeout (a server answering a byte a minute never ends).
        req.on("timeout", () => fail(timedOut(req, what, answered)));
        req.on("finish", () => (deadline = setTimeout(() => fail(timedOut(req, what, answered)), timeoutMs)));
        req.on("error", (e: NodeJS.ErrnoException) => fail(unreachable(e)));
        req.end(payload);
      }));
    },
    stream(path, sink, { end = true } = {}) {
      const url = new URL(base.pathname.replace(/\/$/, "") + path, base);
      const headers: Record<string, string> = { accept: "*/*", ...(token ? { authorization: `Bearer ${token}` } : {}) };
      const what = `GET ${url.pathname}`;
      return transport.then(({ request, agent }) => new Promise<http.IncomingHttpHeaders>((resolve, reject) => {
        let answered = false;
        const fail = (error: CliError) => {
          reject(error);
          req.destroy();
        };
        const req = request(url, { method: "GET", headers, agent, timeout: timeoutMs }, (res) => {
          answered = true;
          const status = res.statusCode ?? 0;
          if (status < 200 || status >= 300) {
            readCapped(res, maxAnswer, what, base.origin).then((raw) => {
              let parsed: unknown = null;
              try {
                parsed = JSON.parse(raw.toString("utf8"));
              } catch {
                parsed = null;
              }
              reject(errorFor(res, parsed, what, false, url, path));
            }, fail);
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
        // Only silence counts here, no total: a large download takes its time. A pause of
        // ours (a pager reading `qm cat | less` slowly holds the answer back) is no silence.
        req.on("timeout", () => {
          if ((sink as { writableNeedDrain?: boolean }).writableNeedDrain) req.setTimeout(timeoutMs);
          else fail(timedOut(req, what, answered));
        });
        req.on("error", (e: NodeJS.ErrnoException) => fail(unreachable(e)));
        req.end();
      }));
    },
    close: () => void transport.then(({ agent }) => agent.destroy()),
  };
}
