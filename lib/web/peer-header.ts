/**
 * The connection's address, handed from QueueManager's own HTTP server to the route
 * handlers. Next gives route handlers no socket, and X-Forwarded-For is whatever the
 * client wrote; so the server that wraps Next (scripts/web-server.ts) replaces any
 * client-sent copy of PEER_HEADER with `req.socket.remoteAddress` on every request,
 * and says so once with trustPeerHeader(). Without that server (a bare `next start`),
 * the header is never believed. Pure Node: the web server bundle imports it.
 */
import type { IncomingMessage } from "node:http";

export const PEER_HEADER = "x-qm-peer-address";
/**
 * The connection's two ends, "<client address> <client port> <server address> <server
 * port>": whose socket it is (client-address.ts, lib/server/socket-owner.ts).
 */
export const PEER_SOCKET_HEADER = "x-qm-peer-socket";

const TRUSTED = Symbol.for("qm.web.peer-header-trusted");
type WithFlag = typeof globalThis & { [TRUSTED]?: boolean };

/** Overwrite PEER_HEADER and PEER_SOCKET_HEADER with the socket's, dropping every copy the client sent. */
export function setPeerHeader(req: IncomingMessage): void {
  const address = req.socket.remoteAddress ?? "unknown";
  const { remotePort, localAddress, localPort } = req.socket;
  const ends = `${address} ${remotePort ?? 0} ${localAddress ?? "unknown"} ${localPort ?? 0}`;
  for (let i = req.rawHeaders.length - 2; i >= 0; i -= 2) {
    const name = req.rawHeaders[i].toLowerCase();
    if (name === PEER_HEADER || name === PEER_SOCKET_HEADER) req.rawHeaders.splice(i, 2);
  }
  req.rawHeaders.push(PEER_HEADER, address, PEER_SOCKET_HEADER, ends);
  req.headers[PEER_HEADER] = address;
  req.headers[PEER_SOCKET_HEADER] = ends;
}

/** Called once by the server that runs setPeerHeader on every request, before any request. */
export function trustPeerHeader(): void {
  (globalThis as WithFlag)[TRUSTED] = true;
}

/** Is PEER_HEADER set by our server (true), or could the client have written it (false)? */
export function isPeerHeaderTrusted(): boolean {
  return (globalThis as WithFlag)[TRUSTED] === true;
}
