import { describe, expect, it } from "vitest";
import { estimateRemainingMs, jobTimes } from "./job-times";

describe("estimateRemainingMs", () => {
  it.each([
    [10_000, 25, 30_000],
    [10_000, null, null],
    [10_000, 0, null],
    [10_000, 100, null],
    [500, 50, null],
  ])("%s ms elapsed at %s%% -> %s ms left", (elapsed, percent, left) => {
    expect(estimateRemainingMs(elapsed, percent)).toBe(left);
  });
});

describe("jobTimes", () => {
  const now = Date.parse("2026-11-28T10:00:40Z");
  it.each([
    ["queued, never started", { state: "queued", startedAt: null, finishedAt: null, progress: null }, { elapsedMs: null, remainingMs: null }],
    // Claimed and handed to Slurm, waiting in its queue: nothing has run yet (its startedAt is the claim).
    ["pending in Slurm", { state: "pending", startedAt: "2026-11-28T10:00:30Z", finishedAt: null, progress: null }, { elapsedMs: null, remainingMs: null }],
    ["running at 25%", { state: "running", startedAt: "2026-11-28T10:00:30Z", finishedAt: null, progress: 25 }, { elapsedMs: 10_000, remainingMs: 30_000 }],
    ["running, no progress line", { state: "running", startedAt: "2026-11-28T10:00:30Z", finishedAt: null, progress: null }, { elapsedMs: 10_000, remainingMs: null }],
    ["done: start to end, whatever the clock", { state: "done", startedAt: "2026-11-28T09:00:00Z", finishedAt: "2026-11-28T09:03:20Z", progress: 40 }, { elapsedMs: 200_000, remainingMs: null }],
  ])("%s", (_, job, times) => {
    expect(jobTimes(job, now)).toEqual(times);
  });
  it("without the current time, only a job with a start and an end has a duration", () => {
    expect(jobTimes({ state: "running", startedAt: "2026-11-28T10:00:30Z", finishedAt: null, progress: 50 }).elapsedMs).toBeNull();
    expect(jobTimes({ state: "failed", startedAt: "2026-11-28T10:00:30Z", finishedAt: "2026-11-28T10:00:35.500Z", progress: null }).elapsedMs).toBe(5_500);
  });
});
