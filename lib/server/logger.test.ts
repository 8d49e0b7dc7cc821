import { PassThrough } from "node:stream";
import { describe, expect, it } from "vitest";
import { createLogger, formatLogLine, type LogLine, routeConsole, streamLogger, toLog } from "./logger";

const at = new Date("2026-11-30T10:15:02.113Z");

describe("formatLogLine", () => {
  it("writes time, level and job id on one line", () => {
    expect(formatLogLine({ level: "info", message: "started (2 processor(s))", job: 17, at })).toBe("2026-11-30T10:15:02.113Z INFO  job=17 started (2 processor(s))");
    expect(formatLogLine({ level: "error", message: "dispatch failed", at })).toBe("2026-11-30T10:15:02.113Z ERROR dispatch failed");
  });

  it("folds a multi-line message (a stack trace) into one line", () => {
    expect(formatLogLine({ level: "error", message: "Error: boom\n    at x (a.ts:1)\n    at y (b.ts:2)", at })).toBe("2026-11-30T10:15:02.113Z ERROR Error: boom | at x (a.ts:1) | at y (b.ts:2)");
  });

  it("for journald: the syslog priority first, no time (the journal keeps it)", () => {
    expect(formatLogLine({ level: "warn", message: "disk low", at }, { journald: true })).toBe("<4>WARN  disk low");
    expect(formatLogLine({ level: "debug", message: "x", job: 3, at }, { journald: true })).toBe("<7>DEBUG job=3 x");
  });
});

describe("createLogger", () => {
  it("is callable as log(message) at info level, and drops debug lines unless debug is on", () => {
    const lines: LogLine[] = [];
    let debug = false;
    const log = createLogger((l) => lines.push(l), () => debug);
    log("plain");
    log.debug("hidden", { job: 1 });
    debug = true;
    log.debug("shown", { job: 1 });
    log.warn("careful", { job: 2 });
    expect(lines.map((l) => [l.level, l.message, l.job])).toEqual([["info", "plain", undefined], ["debug", "shown", 1], ["warn", "careful", 2]]);
  });

  it("toLog gives plain-message callers `job N: message`, and keeps a Log as it is", () => {
    const seen: string[] = [];
    const log = toLog((m) => seen.push(m), () => false);
    log.error("cannot move", { job: 9 });
    log("worker started");
    expect(seen).toEqual(["job 9: cannot move", "worker started"]);
    expect(toLog(log, () => true)).toBe(log);
  });
});

describe("routeConsole", () => {
  it("turns console output (what Next.js prints) into levelled lines", () => {
    const out = new PassThrough();
    const saved = { ...console };
    try {
      routeConsole(streamLogger({ journald: true, debugEnabled: () => false, stream: out }));
      console.error("request failed:", new Error("boom"));
      console.log("ready on %s", "http://x");
    } finally {
      Object.assign(console, saved);
    }
    const lines = String(out.read()).trimEnd().split("\n");
    expect(lines).toHaveLength(2);
    expect(lines[0]).toMatch(/^<3>ERROR request failed: Error: boom \| at /);
    expect(lines[1]).toBe("<6>INFO  ready on http://x");
  });
});
