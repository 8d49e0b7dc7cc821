/**
 * Which account opened the client end of a TCP connection made on this machine. The
 * kernel's socket tables (/proc/net/tcp and tcp6) list every socket of this network
 * namespace with its two ends and the uid that created it; the client's end of a
 * connection is the row whose own end is the client's address and port and whose far end
 * is the server's (the server's end has them the other way round). Addresses count as well
 * as ports: a job that connects from 127.0.0.2 with the server's own port as its port, and
 * closes its socket before the lookup, leaves as the only row with those two ports the
 * server's end, the web server's own. Used by first setup and the login slow-down
 * (lib/web/setup-token.ts, client-address.ts): "from this machine" must not include a
 * job, which runs as an unprivileged uid of its own.
 */
import fs from "node:fs";
import { parseIp } from "../core/ip-address";

export const SOCKET_TABLES = ["/proc/net/tcp", "/proc/net/tcp6"];

/** TIME_WAIT (06) rows belong to no process any more and show uid 0. */
const TIME_WAIT = "06";

/** One end of a TCP connection, as Node's socket gives it ("::ffff:127.0.0.1" or "127.0.0.1"). */
export interface SocketEnd {
  address: string;
  port: number;
}

/**
 * "0100007F:1F40" (tcp) or 32 hex digits (tcp6), each 32-bit word in the kernel's byte
 * order (little-endian here), as the 16 bytes of parseIp and the port.
 */
function endOf(text: string): { bytes: string; port: number } {
  const [hex, port] = text.split(":");
  const words = hex.match(/.{8}/g) ?? [];
  const bytes = words.flatMap((w) => [6, 4, 2, 0].map((i) => Number.parseInt(w.slice(i, i + 2), 16)));
  const full = bytes.length === 4 ? [0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xff, 0xff, ...bytes] : bytes;
  return { bytes: full.join("."), port: Number.parseInt(port, 16) };
}

const keyOf = (end: SocketEnd) => {
  const bytes = parseIp(end.address);
  return bytes ? { bytes: [...bytes].join("."), port: end.port } : null;
};
const same = (a: { bytes: string; port: number }, b: { bytes: string; port: number }) => a.bytes === b.bytes && a.port === b.port;

/**
 * The uid owning the client end, or null when no live row matches, the rows disagree, or
 * the tables cannot be read (not Linux, /proc hidden): callers treat null as "unknown".
 */
export function clientSocketUid(clientEnd: SocketEnd, serverEnd: SocketEnd, tables: string[] = SOCKET_TABLES): number | null {
  const client = keyOf(clientEnd);
  const server = keyOf(serverEnd);
  if (!client || !server) return null;
  const uids = new Set<number>();
  for (const table of tables) {
    let text: string;
    try {
      text = fs.readFileSync(table, "latin1");
    } catch {
      continue;
    }
    for (const line of text.split("\n").slice(1)) {
      const fields = line.trim().split(/\s+/);
      if (fields.length < 10 || fields[3] === TIME_WAIT || fields[9] === "0") continue;
      if (same(endOf(fields[1]), client) && same(endOf(fields[2]), server)) uids.add(Number(fields[7]));
    }
  }
  return uids.size === 1 ? [...uids][0] : null;
}
