/**
 * QueueManager's web server: Next's request handler inside a Node HTTP server of our
 * own, so that route handlers learn the connection's address, which Next does not give
 * them (lib/web/peer-header.ts), and so that a path with a malformed %-encoding gets the
 * API's 400 rather than Next's plain-text 500 (lib/web/malformed-url.ts), and a method an
 * API route does not take gets the API's 405 rather than Next's empty one
 * (lib/web/method-not-allowed.ts), and the query reaches the routes as sent, bytes that are
 * not UTF-8 included (lib/web/raw-query.ts). Everything else
 * is Next's, as under `next start` (which also logs uncaught exceptions rather than exiting).
 *
 *   node dist/web/server.mjs <project root> <host> <port>     (port 0: any free port, printed)
 *
 * Its console output (ours and Next's) goes out as one line per event with a level
 * (lib/server/logger.ts).
 *
 * Bundled to dist/web/server.mjs by build-web-server.ts: no TypeScript loader in the
 * long-running process.
 */
import http from "node:http";
import type { AddressInfo } from "node:net";
import next from "next";
import { loadEnv } from "../lib/server/env";
import { whenAnyDies } from "../lib/server/process-watch";
import { routeConsole, streamLogger } from "../lib/server/logger";
import { refuseMalformedPath } from "../lib/web/malformed-url";
import { explainMethodNotAllowed } from "../lib/web/method-not-allowed";
import { setPeerHeader, trustPeerHeader } from "../lib/web/peer-header";
import { createQuietGc } from "../lib/server/quiet-gc";
import { openSql } from "../lib/server/store/sql";
import { recordWebAddress } from "../lib/server/web-address";
import { setRawQueryHeader } from "../lib/web/raw-query";

async function main(): Promise<void> {
  const [root, host, portText] = process.argv.slice(2);
  const port = Number(portText);
  if (!root || !host || !Number.isInteger(port)) throw new Error("usage: server.mjs <project root> <host> <port>");
  trustPeerHeader();
  // What Next.js and our route handlers print: one line per event, with its level.
  routeConsole(streamLogger({ journald: loadEnv().journald, debugEnabled: () => false }));
  const app = next({ dev: false, dir: root, hostname: host, port });
  await app.prepare();
  const handle = app.getRequestHandler();
  // After a spell of requests, the heap it grew is given back (lib/server/quiet-gc.ts).
  const quietGc = createQuietGc();
  const server = http.createServer((req, res) => {
    quietGc.touch();
    setPeerHeader(req);
    setRawQueryHeader(req);
    // Next would answer a plain-text 500 before any route of ours runs.
    if (refuseMalformedPath(req, res)) return;
    explainMethodNotAllowed(req, res);
    handle(req, res).catch((error: unknown) => {
      console.error("request failed:", error);
      if (!res.headersSent) res.writeHead(500).end();
      else res.destroy();
    });
  });
  // An idle kept-alive connection stays open a minute (Node's default: 5 s). A client that
  // reuses one at the moment the server closes it gets a reset (ECONNRESET) it does not
  // retry: a script polling every few seconds met that race on every fifth-second pause.
  // Headers must still arrive within headersTimeout, which has to be the longer of the two.
  server.keepAliveTimeout = 65_000;
  server.headersTimeout = 66_000;
  await new Promise<void>((resolve, reject) => server.once("error", (error) => reject(listenError(error, host, port))).listen(port, host, resolve));
  const listening = { host, port: (server.address() as AddressInfo).port };
  console.log(`ready on http://${host}:${listening.port}`);
  void tellWorker(listening); // logs its own failure: serving goes on
  let stopping = false;
  const stop = () => {
    if (stopping) return;
    stopping = true;
    quietGc.stop();
    server.close();
    server.closeAllConnections();
    void app.close().finally(() => process.exit(0));
  };
  process.once("SIGTERM", stop);
  process.once("SIGINT", stop);
  // Started by `npm start` or `npm run web`: stop when it is gone (SIGKILLed), as with a SIGTERM.
  const { parentPid } = loadEnv();
  if (parentPid) whenAnyDies([parentPid], stop);
}

/** Node's "listen EADDRINUSE: address already in use 127.0.0.1:8000", with what to do about it. */
function listenError(error: NodeJS.ErrnoException, host: string, port: number): Error {
  const where = `${host}:${port}`;
  const fix = "set another The_Port (or Host) in the [WEB_QMserver] section of QMserv.cfg";
  if (error.code === "EADDRINUSE") return new Error(`${where} is taken by another program (another QueueManager, or an earlier one still stopping?): stop it, or ${fix}`);
  if (error.code === "EADDRNOTAVAIL") return new Error(`${host} is not an address of this machine: ${fix}`);
  if (error.code === "ENOTFOUND" || error.code === "EAI_AGAIN") return new Error(`Host = ${host} is not a name this machine can look up (${error.code}): set Host in the [WEB_QMserver] section of QMserv.cfg to localhost, an address of this machine, or 0.0.0.0 for every network`);
  if (error.code === "EACCES") return new Error(`no permission to listen on ${where} (ports below 1024 need root): ${fix}, and put a reverse proxy in front for 80/443 (docs/deploy.md)`);
  return error;
}

/** Where mails should link (lib/server/web-address.ts): this port, not one saved since in QMserv.cfg. */
async function tellWorker(listening: { host: string; port: number }): Promise<void> {
  const sql = openSql(loadEnv().databaseUrl);
  try {
    await recordWebAddress(sql, listening);
  } catch (error) {
    console.warn(`cannot record where the web server listens (mails link to Host and The_Port of QMserv.cfg meanwhile): ${error instanceof Error ? error.message : String(error)}`);
  } finally {
    await sql.close();
  }
}

main().catch((error: unknown) => {
  // Through routeConsole once it is installed: one line with its level.
  console.error(`web server cannot start: ${error instanceof Error ? error.message : String(error)}`);
  process.exit(1);
});
