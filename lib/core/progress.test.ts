import { describe, expect, it } from "vitest";
import { estimateRemainingMs, parseProgress } from "./progress";

describe("parseProgress", () => {
  it("reads the last `i / n` of the log as a percent", () => {
    expect(parseProgress("processing 1 / 4\nprocessing 3 / 4\n")).toBe(75);
    expect(parseProgress("no progress here")).toBeNull();
    expect(parseProgress("5 / 0")).toBeNull();
  });
});

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
