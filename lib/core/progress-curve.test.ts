import { describe, expect, it } from "vitest";
import { estimateRemainingMs } from "./job-times";
import { isSampleDue, remainingFromCurve } from "./progress-curve";

describe("samples kept", () => {
  it("the first, then at most one a second, then sparser as the run gets longer; always 100 %", () => {
    expect(isSampleDue(undefined, undefined, 0, 5)).toBe(true);
    expect(isSampleDue(0, 0, 999, 6)).toBe(false);
    expect(isSampleDue(0, 0, 1000, 6)).toBe(true);
    const hour = 3_600_000;
    expect(isSampleDue(0, hour - 5000, hour, 50)).toBe(false); // 1/500 of an hour is 7.2 s
    expect(isSampleDue(0, hour - 8000, hour, 50)).toBe(true);
    expect(isSampleDue(0, hour - 10, hour, 100)).toBe(true);
  });

  it("a three-day run that prints progress every second keeps a few thousand", () => {
    let first: number | undefined;
    let last: number | undefined;
    let kept = 0;
    for (let t = 0; t < 3 * 86_400_000; t += 1000) {
      if (isSampleDue(first, last, t, 1)) {
        first ??= t;
        last = t;
        kept++;
      }
    }
    expect(kept).toBeGreaterThan(1000);
    expect(kept).toBeLessThan(5000);
  });
});

describe("time left from the curve", () => {
  it("follows the recent pace, where the straight line from the start does not", () => {
    // Slow first (1 %/s for 40 s), then fast (4 %/s): 60 % at t = 45 s.
    const points = [];
    for (let t = 0; t <= 40; t += 5) points.push({ atMs: t * 1000, percent: t });
    for (let t = 41; t <= 45; t++) points.push({ atMs: t * 1000, percent: 40 + (t - 40) * 4 });
    const curve = remainingFromCurve(points, 45_000)!;
    const straight = estimateRemainingMs(45_000, 60)!;
    expect(straight).toBeCloseTo(30_000, -2);
    // 40 % left at the recent pace is well under the straight line's 30 s.
    expect(curve).toBeLessThan(20_000);
    expect(curve).toBeGreaterThan(8_000);
  });

  it("counts the time since the last sample, and knows nothing without progress", () => {
    const steady = [0, 10, 20, 30].map((s) => ({ atMs: s * 1000, percent: s }));
    expect(remainingFromCurve(steady, 30_000)).toBeCloseTo(70_000, -2);
    expect(remainingFromCurve(steady, 40_000)).toBeCloseTo(60_000, -2);
    expect(remainingFromCurve(steady.slice(0, 1), 0)).toBeNull();
    expect(remainingFromCurve([{ atMs: 0, percent: 5 }, { atMs: 5000, percent: 5 }], 5000)).toBeNull();
    expect(remainingFromCurve([{ atMs: 0, percent: 5 }, { atMs: 5000, percent: 100 }], 5000)).toBe(0);
  });
});
