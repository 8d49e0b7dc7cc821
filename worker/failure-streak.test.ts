import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { type LogLine, createLogger } from "../lib/server/logger";
import type { WorkerContext } from "./context";
import { failureStreak } from "./failure-streak";
import { createMonitor } from "./monitor";

let dir: string | undefined;
afterEach(() => dir && fs.rmSync(dir, { recursive: true, force: true }));

function collect() {
  const lines: LogLine[] = [];
  return { lines, log: createLogger((line) => lines.push(line)) };
}

describe("failureStreak", () => {
  it("warns when a task starts failing and when the reason changes, and says once that it works again", () => {
    const { lines, log } = collect();
    const streak = failureStreak(log, "heartbeat", (why) => `heartbeat failed: ${why}`);
    for (let i = 0; i < 5; i++) streak.failed(new Error("connect ECONNREFUSED 127.0.0.1:5432"));
    streak.failed(new Error("terminating connection due to administrator command"));
    streak.succeeded();
    streak.succeeded();
    expect(lines.map((l) => `${l.level} ${l.message}`)).toEqual([
      "warn heartbeat failed: connect ECONNREFUSED 127.0.0.1:5432",
      "warn heartbeat failed: terminating connection due to administrator command",
      "info heartbeat works again (6 failed attempts)",
    ]);
  });
});

describe("the monitor while the database does not answer", () => {
  it("logs one warning, not one a second", async () => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), "qm-monitor-"));
    const { lines, log } = collect();
    const job = { id: 1, state: "running", run: {}, dir, progress: null };
    const ctx = {
      running: new Map([[1, job]]),
      executor: { sample: () => new Map() },
      store: { killRequests: async () => Promise.reject(new Error("connect ECONNREFUSED 127.0.0.1:5432")) },
      log,
    } as unknown as WorkerContext;
    const monitor = createMonitor(ctx);
    monitor.ensure();
    try {
      await new Promise((resolve) => setTimeout(resolve, 3_500));
    } finally {
      monitor.stop();
    }
    expect(lines.map((l) => l.message)).toEqual(["monitor: connect ECONNREFUSED 127.0.0.1:5432"]);
  });
});
