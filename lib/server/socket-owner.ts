/**
 * Which account opened the client end of a TCP connection made on this machine. The
 * kernel's socket tables (/proc/net/tcp and tcp6) list every socket of this network
 * namespace with its two ends and the uid that created it; the client's end of a
 * connection to our port `serverPort` from port `clientPort` is the row whose own port is
 * `clientPort` and whose far port is `serverPort` (the server's end has them the other way
 * round). Used by first setup (lib/web/setup-token.ts): "from this machine" must not
 * include a job, which runs as an unprivileged uid of its own.
 */
import fs from "node:fs";

export const SOCKET_TABLES = ["/proc/net/tcp", "/proc/net/tcp6"];

/** TIME_WAIT (06) rows belong to no process any more and show uid 0. */
const TIME_WAIT = "06";

const portOf = (end: string) => Number.parseInt(end.slice(end.lastIndexOf(":") + 1), 16);

/**
 * The uid owning the client end, or null when no live row matches, the rows disagree, or
 * the tables cannot be read (not Linux, /proc hidden): callers treat null as "unknown".
 */
export function clientSocketUid(clientPort: number, serverPort: number, tables: string[] = SOCKET_TABLES): number | null {
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
      if (portOf(fields[1]) === clientPort && portOf(fields[2]) === serverPort) uids.add(Number(fields[7]));
    }
  }
  return uids.size === 1 ? [...uids][0] : null;
}
