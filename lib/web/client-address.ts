/**
 * Who is at the other end of a request: the address the login slow-down counts, and
 * whether the request comes from this machine (first setup needs no token then).
 *
 * The connection's address comes from PEER_HEADER (set by our web server, see
 * peer-header.ts). X-Forwarded-For is read only when that connection comes from a proxy
 * listed in `Trusted_Proxies` (one on this machine: from its account,
 * isTrustedProxyConnection): then the client is the right-most address in it that is not
 * itself a trusted proxy (each proxy appends the address it saw; what a client writes
 * stays on the left). Anything else a client sends about its address is ignored.
 */
import { type AddressRange, inRange, isLoopback, parseIp, parseRangeList } from "../core/ip-address";
import { clientSocketUid } from "../server/socket-owner";
import { uidsOfAccounts } from "../server/system-accounts";
import { getConfig } from "./context";
import { PEER_HEADER, PEER_SOCKET_HEADER, isPeerHeaderTrusted } from "./peer-header";

/** Returned when the connection's address cannot be known: everyone shares its count. */
export const UNKNOWN_ADDRESS = "unknown";

let warned = false;

function peerAddress(request: Request): string | null {
  if (!isPeerHeaderTrusted()) {
    if (!warned) {
      warned = true;
      console.warn("[web] started without QueueManager's web server (npm start / npm run web): client addresses are unknown, so every client shares one login slow-down");
    }
    return null;
  }
  return request.headers.get(PEER_HEADER);
}

const inAny = (text: string, ranges: AddressRange[]) => {
  const bytes = parseIp(text);
  return !!bytes && ranges.some((r) => inRange(bytes, r));
};

/** Root and the web server's own account: the operator's, on this machine. */
export function isOperatorUid(uid: number): boolean {
  return uid === 0 || uid === process.getuid?.();
}

/**
 * Is the connection itself from a proxy of Trusted_Proxies (`ranges`), whose
 * X-Forwarded-For and Trusted_User_Header are then believed? A proxy on this machine (a
 * loopback address in the list) is believed only when the connection's client socket
 * belongs to root, QueueManager's own account or one of Trusted_Proxy_Users (www-data...):
 * jobs (unprivileged uids of their own) and lab members connect from 127.0.0.1 too, and
 * would otherwise name any client or, with Trusted_User_Header, sign in as any user.
 */
function isTrustedProxyConnection(request: Request, peer: string, ranges: AddressRange[], proxyUsers?: string[]): boolean {
  if (!inAny(peer, ranges)) return false;
  if (!isLoopback(peer)) return true;
  const uid = connectionOwnerUid(request);
  return uid !== null && (isOperatorUid(uid) || uidsOfAccounts(proxyUsers ?? getConfig().config.web.trustedProxyUsers).has(uid));
}

/** Is the connection from a trusted proxy (isTrustedProxyConnection)? False when its address is unknown. */
export function isFromTrustedProxy(request: Request, trusted: string[], proxyUsers?: string[]): boolean {
  const peer = peerAddress(request);
  return !!peer && !!parseIp(peer) && isTrustedProxyConnection(request, peer, parseRangeList(trusted.join(",")).ranges, proxyUsers);
}

/**
 * The client's address, or UNKNOWN_ADDRESS. `trusted`: Trusted_Proxies, `proxyUsers`:
 * Trusted_Proxy_Users (from QMserv.cfg by default).
 */
export function clientAddress(request: Request, trusted: string[] = getConfig().config.web.trustedProxies, proxyUsers?: string[]): string {
  const peer = peerAddress(request);
  if (!peer) return UNKNOWN_ADDRESS;
  const { ranges } = parseRangeList(trusted.join(","));
  if (!isTrustedProxyConnection(request, peer, ranges, proxyUsers)) return peer;
  const hops = (request.headers.get("x-forwarded-for") ?? "").split(",").map((h) => h.trim()).filter(Boolean);
  let client = peer;
  for (const hop of hops.reverse()) {
    if (!parseIp(hop)) break; // garbage: what lies left of it was written by the client
    client = hop;
    if (!inAny(hop, ranges)) break;
  }
  return client;
}

/**
 * From this machine, with no proxy in between: the connection is from a loopback
 * address and, unless it came through a trusted proxy, names no other client in
 * X-Forwarded-For or Forwarded (browsers send neither; a local reverse proxy does; Next
 * itself fills an absent X-Forwarded-For with the connection's address).
 */
export function isLocalRequest(request: Request, trusted: string[] = getConfig().config.web.trustedProxies): boolean {
  const address = clientAddress(request, trusted);
  if (!isLoopback(address)) return false;
  const peer = request.headers.get(PEER_HEADER);
  if (address !== peer) return true; // resolved through a trusted proxy to a local client
  const forwardedFor = request.headers.get("x-forwarded-for");
  return (forwardedFor === null || forwardedFor.trim() === peer) && !request.headers.has("forwarded");
}

/**
 * The uid that opened the connection's client end, when the connection comes from this
 * machine (lib/server/socket-owner.ts); null when unknown (not through our web server, a
 * remote or vanished client, no /proc), and for any connection from an address of
 * `Trusted_Proxies`: its socket may be a proxy's (root's, for a proxy run as root) whatever
 * account its client is, and a proxy forwarding a local client (X-Forwarded-For 127.0.0.1)
 * looks like a direct connection.
 */
export function localClientUid(request: Request, trusted: string[] = getConfig().config.web.trustedProxies): number | null {
  if (inAny(request.headers.get(PEER_HEADER) ?? "", parseRangeList(trusted.join(",")).ranges)) return null;
  return connectionOwnerUid(request);
}

/**
 * The uid owning the client end of this request's connection, from both ends that
 * QueueManager's web server wrote (PEER_SOCKET_HEADER); null when unknown. Whose
 * connection it is, not yet who the client is: see localClientUid.
 */
function connectionOwnerUid(request: Request): number | null {
  if (!isPeerHeaderTrusted()) return null;
  // One read of the socket tables per request: a login asks through clientAddress,
  // isLocalRequest and localClientUid, a proxied request at each sign-in check.
  if (owners.has(request)) return owners.get(request)!;
  const [clientHost, clientPort, serverHost, serverPort] = (request.headers.get(PEER_SOCKET_HEADER) ?? "").split(" ");
  const client = { address: clientHost ?? "", port: Number(clientPort) };
  const server = { address: serverHost ?? "", port: Number(serverPort) };
  const uid = [client.port, server.port].every((p) => Number.isInteger(p) && p > 0) ? clientSocketUid(client, server) : null;
  owners.set(request, uid);
  return uid;
}

/** connectionOwnerUid's answers, for as long as their request lives. */
const owners = new WeakMap<Request, number | null>();

/** The login slow-down's client for this machine whose account is unknown (all loopback addresses). */
const THIS_MACHINE = "this machine";

/**
 * The client the login slow-down counts (login-slowdown.ts): its address; on this machine,
 * its account, so that a job (an unprivileged uid of its own) or a lab member hammering the
 * login from 127.0.0.1 does not slow down the administrator's local scripts. Every
 * loopback address is this one machine: 127.0.0.2, 127.0.0.3... are no other clients,
 * and a job could take a new one for each try (16 million of them).
 */
export function loginClientOf(request: Request): string {
  const address = clientAddress(request);
  if (!isLocalRequest(request)) return address;
  const uid = localClientUid(request);
  return uid === null ? THIS_MACHINE : `${THIS_MACHINE}, uid ${uid}`;
}
