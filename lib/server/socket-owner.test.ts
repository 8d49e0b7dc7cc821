import fs from "node:fs";
import net, { type AddressInfo } from "node:net";
import os from "node:os";
import path from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { clientSocketUid } from "./socket-owner";

const dir = fs.mkdtempSync(path.join(os.tmpdir(), "qm-socket-owner-"));
afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

const HEADER = "  sl  local_address rem_address   st tx_queue rx_queue tr tm->when retrnsmt   uid  timeout inode";
/** A table file in /proc/net/tcp's layout; ports in hex as the kernel writes them. */
function table(name: string, rows: Array<[local: string, remote: string, state: string, uid: number, inode: number]>): string {
  const file = path.join(dir, name);
  const lines = rows.map(([l, r, st, uid, inode], i) => `   ${i}: ${l} ${r} ${st} 00000000:00000000 00:00000000 00000000 ${String(uid).padStart(5)}        0 ${inode} 1 0000000000000000 20 4 30 10 -1`);
  fs.writeFileSync(file, [HEADER, ...lines, ""].join("\n"));
  return file;
}

const end = (address: string, port: number) => ({ address, port });
const SERVER = end("127.0.0.1", 8000);

describe("clientSocketUid", () => {
  it("finds the client end's owner by its address and port and the server's, in tcp or tcp6, not the server's end", () => {
    const v4 = table("tcp", [
      ["0100007F:1F40", "00000000:0000", "0A", 0, 100], // the server listening on 8000
      ["0100007F:1F40", "0100007F:C350", "01", 0, 101], // its end of the connection
      ["0100007F:C350", "0100007F:1F40", "01", 61999, 102], // the client's end: port 50000 -> 8000
    ]);
    expect(clientSocketUid(end("127.0.0.1", 50000), SERVER, [v4])).toBe(61999);
    // Node names both ends of a connection to a dual-stack server in the IPv4-mapped form.
    expect(clientSocketUid(end("::ffff:127.0.0.1", 50000), end("::ffff:127.0.0.1", 8000), [v4])).toBe(61999);
    const v6 = table("tcp6", [
      ["0000000000000000FFFF00000100007F:C351", "0000000000000000FFFF00000100007F:1F40", "01", 1000, 103],
      ["00000000000000000000000001000000:C352", "00000000000000000000000001000000:1F40", "01", 1001, 106], // ::1
    ]);
    expect(clientSocketUid(end("127.0.0.1", 50001), SERVER, [v4, v6])).toBe(1000);
    expect(clientSocketUid(end("::1", 50002), end("::1", 8000), [v4, v6])).toBe(1001);
  });

  it("is null for no live row, rows that disagree, or tables it cannot read; a TIME_WAIT row (uid 0, no inode) never counts", () => {
    const timeWait = table("tw", [["0100007F:C350", "0100007F:1F40", "06", 0, 0]]);
    expect(clientSocketUid(end("127.0.0.1", 50000), SERVER, [timeWait])).toBeNull();
    const disagree = table("two", [
      ["0100007F:C350", "0100007F:1F40", "01", 0, 104],
      ["0000000000000000FFFF00000100007F:C350", "0000000000000000FFFF00000100007F:1F40", "01", 61999, 105],
    ]);
    expect(clientSocketUid(end("127.0.0.1", 50000), SERVER, [disagree])).toBeNull();
    expect(clientSocketUid(end("127.0.0.1", 50000), SERVER, [path.join(dir, "absent")])).toBeNull();
  });

  it("takes no row of another address with the same ports: the server's end of a connection from 127.0.0.2:8000, or someone else's", () => {
    const rows = table("others", [
      ["0100007F:1F40", "0200007F:1F40", "08", 0, 107], // the server's end of 127.0.0.2:8000 -> 127.0.0.1:8000
      ["0300007F:1F40", "0100007F:1F40", "01", 0, 108], // root's connection from 127.0.0.3:8000
      ["0200007F:1F40", "0100007F:1F40", "04", 61999, 0], // the job's end, closed (orphaned: no inode)
    ]);
    expect(clientSocketUid(end("127.0.0.2", 8000), SERVER, [rows])).toBeNull();
  });

  it("reads this machine's real tables: a connection this process opens is this process's uid", async () => {
    const server = net.createServer();
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
    const accepted = new Promise<net.Socket>((resolve) => server.once("connection", resolve));
    const client = net.connect((server.address() as AddressInfo).port, "127.0.0.1");
    const socket = await accepted;
    expect(clientSocketUid(end(socket.remoteAddress!, socket.remotePort!), end(socket.localAddress!, socket.localPort!))).toBe(process.getuid!());
    client.destroy();
    socket.destroy();
    await new Promise((r) => server.close(r));
  });
});
