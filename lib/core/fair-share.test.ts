import { describe, expect, it } from "vitest";
import { fairShareRule, ownerUsage } from "./fair-share";

describe("fair share usage", () => {
  it("adds measured CPU of ended jobs and processors x time of running jobs within the window", () => {
    const now = 10_000_000;
    const usage = ownerUsage(
      [
        { ownerKey: "ann", cpuSeconds: 100 },
        { ownerKey: "ann", cpuSeconds: 20 },
        { ownerKey: "bob", cpuSeconds: null, granted: 2, startedAtMs: now - 30_000 },
        // Started before the window: only the part inside counts.
        { ownerKey: "cy", cpuSeconds: null, granted: 1, startedAtMs: now - 500_000 },
      ],
      now - 60_000,
      now,
    );
    expect(Object.fromEntries(usage)).toEqual({ ann: 120, bob: 60, cy: 60 });
  });

  it("states the rule with its window", () => {
    expect(fairShareRule(24)).toMatch(/fewest CPU-seconds in the last 24 hours/);
    expect(fairShareRule(1)).toMatch(/last hour goes first/);
  });
});
