/**
 * JSON bodies are capped at 64 KB before parsing (lib/web/http.ts readJson): a 200 MB
 * body is refused after reading little more than the cap, so memory does not grow.
 */
import { describe, expect, it } from "vitest";
import { JSON_BODY_LIMIT } from "./http";
import { PASSWORD, ctx, errorOf, req, routes } from "./api-test-harness";

const MB = 1024 * 1024;

/** A 200 MB body made on demand, counting what the server actually pulled. */
function hugeBody(total: number) {
  const chunk = new Uint8Array(MB).fill(0x20);
  const counter = { pulled: 0 };
  const stream = new ReadableStream<Uint8Array>({
    pull(controller) {
      if (counter.pulled >= total) return controller.close();
      counter.pulled += chunk.length;
      controller.enqueue(chunk);
    },
  });
  return { stream, counter };
}

describe("JSON request bodies", () => {
  it("a body that is not JSON is said to be so, not read as an object without fields", async () => {
    // curl -d priority=5 (a form), or a cut-off object: the answer was "username: Invalid input:
    // expected string, received undefined", as if nothing had been sent.
    for (const [body, type, said] of [["username=admin&password=x", "application/x-www-form-urlencoded", /; it was sent as application\/x-www-form-urlencoded\)/], ['{"username": "admin"', "application/json", /^The request body is not JSON \([^;]*\): send a JSON object/]] as const) {
      const res = await routes.login(req("/api/auth/login", { method: "POST", body, headers: { "content-type": type } }), ctx(0));
      expect(res.status, body).toBe(400);
      const error = await errorOf(res);
      expect(error.code).toBe("INVALID_INPUT");
      expect(error.message, body).toMatch(said);
    }
  });


  it("a 200 MB login body is refused fast, after reading about the 64 KB cap; memory does not grow", async () => {
    const rssBefore = process.memoryUsage().rss;
    const { stream, counter } = hugeBody(200 * MB);
    const started = Date.now();
    // A streamed body (Node's fetch needs `duplex: "half"` for one).
    const init = { method: "POST", body: stream, headers: { "content-type": "application/json" }, duplex: "half" } as RequestInit & { headers: Record<string, string> };
    const res = await routes.login(req("/api/auth/login", init), ctx(0));
    const ms = Date.now() - started;
    const rssAfter = process.memoryUsage().rss;
    console.log(`200 MB body: ${res.status} in ${ms} ms, ${counter.pulled / MB} MB pulled of 200, RSS ${(rssBefore / MB).toFixed(0)} -> ${(rssAfter / MB).toFixed(0)} MB`);
    expect(res.status).toBe(413);
    expect(await errorOf(res)).toMatchObject({ code: "TOO_LARGE", message: "The request body is larger than 64 KB; this route takes a small JSON object." });
    expect(counter.pulled).toBeLessThanOrEqual(4 * MB); // the stream's read-ahead, not the body
    expect(rssAfter - rssBefore).toBeLessThan(64 * MB);
  });

  it("a declared Content-Length over the cap is refused before reading; a body at the cap is read", async () => {
    const declared = await routes.login(req("/api/auth/login", { method: "POST", body: "{}", headers: { "content-length": String(200 * MB) } }), ctx(0));
    expect(declared.status).toBe(413);
    const padded = JSON.stringify({ username: "admin", password: PASSWORD, pad: "x".repeat(JSON_BODY_LIMIT - 100) });
    expect(padded.length).toBeLessThanOrEqual(JSON_BODY_LIMIT);
    expect((await routes.login(req("/api/auth/login", { method: "POST", body: padded }), ctx(0))).status).toBe(200);
  });
});
