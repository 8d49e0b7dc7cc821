/**
 * GET /api/events below HTTP: the real route, the real job store bumping the jobs version
 * in a real database (SQLite file, or PostgreSQL in integration-pg), the process's one feed.
 */
import path from "node:path";
import { beforeAll, describe, expect, it } from "vitest";
import type { LiveChange } from "../core/api-types";
import { type Handler, ctx, makeJob, req, writeConfig } from "./api-test-harness";
import { getLiveFeed } from "./live-updates";

let events: Handler;
beforeAll(async () => {
  events = (await import(/* @vite-ignore */ path.resolve(import.meta.dirname, "../../app/api/events/route.ts"))).GET;
});

/** Read the stream's `change` events as they come. */
function changesOf(res: Response) {
  const reader = res.body!.getReader();
  const decoder = new TextDecoder();
  let buffer = "";
  return async function next(timeoutMs = 5_000): Promise<LiveChange> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const end = buffer.indexOf("\n\n");
      if (end >= 0) {
        const frame = buffer.slice(0, end);
        buffer = buffer.slice(end + 2);
        if (frame.startsWith("event: change\n")) return JSON.parse(frame.slice(frame.indexOf("data: ") + 6)) as LiveChange;
        continue;
      }
      if (Date.now() > deadline) throw new Error("no change event in time");
      const { value, done } = await reader.read();
      if (done) throw new Error("the stream ended");
      buffer += decoder.decode(value, { stream: true });
    }
  };
}

describe("GET /api/events", () => {
  it("streams the status at once, then a change for every job written through the store", async () => {
    const abort = new AbortController();
    const res = await events(req("/api/events", { signal: abort.signal }), ctx(0));
    expect(res.status).toBe(200);
    expect(res.headers.get("content-type")).toMatch(/^text\/event-stream/);
    expect(res.headers.get("cache-control")).toContain("no-transform");
    const next = changesOf(res);
    const first = await next();
    expect(first.status.counts.queued ?? 0).toBe(0);
    expect(first.status.refreshRate).toBeGreaterThan(0);
    await makeJob("queued");
    const moved = await next();
    expect(moved.jobsVersion).not.toBe(first.jobsVersion);
    // In a burst the version goes out at once and the fresh status follows (STATUS_GAP_MS).
    let queued = moved;
    while ((queued.status.counts.queued ?? 0) !== 1) queued = await next();
    expect(queued.jobsVersion).toBe(moved.jobsVersion);
    await makeJob("running");
    const started = await next();
    expect(BigInt(started.jobsVersion)).toBeGreaterThan(BigInt(queued.jobsVersion));
    abort.abort();
  });

  it("lets the feed go when the page goes away", async () => {
    const abort = new AbortController();
    const before = getLiveFeed().listeners;
    const res = await events(req("/api/events", { signal: abort.signal }), ctx(0));
    await changesOf(res)();
    expect(getLiveFeed().listeners).toBe(before + 1);
    abort.abort();
    await expect.poll(() => getLiveFeed().listeners).toBe(before);
  });

  it("is refused to a visitor who must log in first", async () => {
    writeConfig({ Require_Login: "yes" });
    const res = await events(req("/api/events"), ctx(0));
    expect(res.status).toBe(401);
  });
});
