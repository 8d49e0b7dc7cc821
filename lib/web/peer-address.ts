/**
 * The address of the machine at the other end of the TCP connection: the one thing a
 * client cannot forge by sending headers. Next.js does not give route handlers the socket,
 * so QueueManager's web server (scripts/web-server.mjs) writes it into PEER_HEADER on
 * every request, replacing whatever a client sent under that name.
 */
export const PEER_HEADER = "x-qm-peer-address";

/** The connection's address, or null when the request did not come through our server. */
export function peerAddress(request: Request): string | null {
  return request.headers.get(PEER_HEADER) || null;
}
