import { describe, expect, it } from "vitest";
import { checkHealth } from "./health";
import type { Sql } from "./store/sql";

const now = new Date("2026-12-01T12:00:00Z");
/** Just the one read health makes. */
const answering = (row: { heartbeatAt: string; stats: string } | undefined) => ({ get: async () => row }) as unknown as Sql;
const beat = (secondsAgo: number, stats = "{}") => ({ heartbeatAt: new Date(now.getTime() - secondsAgo * 1000).toISOString(), stats });

describe("checkHealth", () => {
  it("is ok with a fresh heartbeat", async () => {
    expect(await checkHealth(answering(beat(3)), now)).toEqual({ status: "ok", checks: { web: "ok", database: "ok", worker: "ok" }, workerHeartbeatAgeSeconds: 3, reason: null });
  });

  it("is unhealthy when the heartbeat is stale, the worker said it stopped, or never beat", async () => {
    expect(await checkHealth(answering(beat(40)), now)).toMatchObject({ status: "unhealthy", checks: { worker: "stale" }, reason: "the worker's last heartbeat is 40 s old (more than 15 s): it died or hangs; see its log" });
    expect(await checkHealth(answering(beat(2, '{"stopped":true}')), now)).toMatchObject({ status: "unhealthy", checks: { worker: "stopped" } });
    expect(await checkHealth(answering(undefined), now)).toMatchObject({ status: "unhealthy", checks: { worker: "never started" } });
  });

  it("says when the database fails", async () => {
    const failing = { get: async () => Promise.reject(new Error("connect ECONNREFUSED 127.0.0.1:5432")) } as unknown as Sql;
    expect(await checkHealth(failing, now)).toEqual({
      status: "unhealthy",
      checks: { web: "ok", database: "failed", worker: "unknown" },
      workerHeartbeatAgeSeconds: null,
      reason: "the database does not answer: connect ECONNREFUSED 127.0.0.1:5432",
    });
  });
});
