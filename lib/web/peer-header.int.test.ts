/**
 * What QueueManager's web server does to every request before Next sees it
 * (scripts/web-server.ts, setPeerHeader): over a real socket, a client-sent
 * x-qm-peer-address or x-qm-peer-socket, in any case and any number, is replaced by the
 * socket's address and ends.
 */
import http from "node:http";
import net, { type AddressInfo } from "node:net";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { PEER_HEADER, PEER_SOCKET_HEADER, setPeerHeader } from "./peer-header";

let server: http.Server;
let port: number;

beforeAll(async () => {
  server = http.createServer((req, res) => {
    setPeerHeader(req);
    const raw = req.rawHeaders.filter((_, i) => i % 2 === 0 && req.rawHeaders[i].toLowerCase() === PEER_HEADER);
    const ports = req.rawHeaders.filter((_, i) => i % 2 === 1 && req.rawHeaders[i - 1].toLowerCase() === PEER_SOCKET_HEADER);
    res.end(JSON.stringify({ header: req.headers[PEER_HEADER], rawCount: raw.length, socket: req.socket.remoteAddress, ports, socketPorts: `${req.socket.remoteAddress} ${req.socket.remotePort} ${req.socket.localAddress} ${req.socket.localPort}` }));
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  port = (server.address() as AddressInfo).port;
});

afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));

/** A GET written byte by byte on a socket, with exactly these header lines. */
function get(headerLines: string[]): Promise<{ header: string; rawCount: number; socket: string; ports: string[]; socketPorts: string }> {
  return new Promise((resolve, reject) => {
    const socket = net.connect(port, "127.0.0.1", () => {
      socket.end(["GET / HTTP/1.1", "Host: 127.0.0.1", "Connection: close", ...headerLines, "", ""].join("\r\n"));
    });
    let answer = "";
    socket.on("data", (c) => (answer += c));
    socket.on("error", reject);
    socket.on("end", () => resolve(JSON.parse(answer.slice(answer.indexOf("\r\n\r\n") + 4))));
  });
}

describe("setPeerHeader", () => {
  it("replaces every client-sent copy with the socket's address and ends", async () => {
    const forged = await get(["X-QM-Peer-Address: 203.0.113.1", "x-qm-peer-address: 203.0.113.2", "X-Forwarded-For: 203.0.113.3", "X-QM-Peer-Socket: 127.0.0.1 1 127.0.0.1 2"]);
    expect(forged).toMatchObject({ header: "127.0.0.1", rawCount: 1, socket: "127.0.0.1", ports: [forged.socketPorts] });
    expect(await get([])).toMatchObject({ header: "127.0.0.1", rawCount: 1, socket: "127.0.0.1" });
  });
});
