/**
 * What QueueManager's web server answers, before Next, to a path whose %-encoding is
 * malformed (scripts/web-server.ts, refuseMalformedPath): over a real socket, with the
 * request line written as a client sends it, a 400 in the API's error shape; any other
 * path, a well-formed escape or a malformed query, goes on to the routes.
 */
import http from "node:http";
import net, { type AddressInfo } from "node:net";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { hasMalformedPath, refuseMalformedPath } from "./malformed-url";

let server: http.Server;
let port: number;

beforeAll(async () => {
  server = http.createServer((req, res) => {
    if (refuseMalformedPath(req, res)) return;
    res.writeHead(200, { "content-type": "text/plain", "content-length": 9 }).end("passed on");
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  port = (server.address() as AddressInfo).port;
});

afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));

/** The request line `METHOD target HTTP/1.1` written on a socket as it is; the status, content type and body. */
function send(method: string, target: string): Promise<{ status: number; type: string; body: string }> {
  return new Promise((resolve, reject) => {
    const socket = net.connect(port, "127.0.0.1", () => socket.end(`${method} ${target} HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n`));
    let answer = "";
    socket.on("data", (c) => (answer += c));
    socket.on("error", reject);
    socket.on("end", () => {
      const [head, body] = [answer.slice(0, answer.indexOf("\r\n\r\n")), answer.slice(answer.indexOf("\r\n\r\n") + 4)];
      resolve({ status: Number(head.split(" ")[1]), type: /^content-type: (.*)$/im.exec(head)?.[1] ?? "", body });
    });
  });
}

describe("a malformed %-encoding in the path", () => {
  it("is answered 400 with the API's error, saying what is wrong, for any path and method", async () => {
    for (const [method, target] of [["GET", "/api/jobs/%ZZ"], ["GET", "/api/jobs/%"], ["POST", "/api/jobs/%C0%AF/kill"], ["GET", "/jobs/%E2%82?x=1"]]) {
      const answer = await send(method, target);
      expect(answer.status, target).toBe(400);
      expect(answer.type, target).toBe("application/json");
      const { error } = JSON.parse(answer.body) as { error: { code: string; message: string } };
      expect(error.code).toBe("INVALID_INPUT");
      expect(error.message).toMatch(/malformed %-encoding.*write a % itself as %25/);
    }
  });

  it("is the path's only: well-formed escapes and any query go on to the routes", async () => {
    for (const target of ["/api/jobs/%31", "/api/jobs/1%2F2", "/api/jobs?q=%ZZ", "/api/jobs?q=100%", "/files/%C3%A9t%C3%A9.txt"]) {
      expect((await send("GET", target)).body, target).toBe("passed on");
    }
    expect(hasMalformedPath("/a%25b")).toBe(false);
  });
});
