import { describe, expect, it } from "vitest";
import { estimateRemainingMs, formatBytes, formatDuration } from "./format";

describe("formatDuration / estimateRemainingMs / formatBytes", () => {
  it("prints durations as a person reads them", () => {
    expect(formatDuration(null)).toBe("—");
    expect(formatDuration(9_400)).toBe("9s");
    expect(formatDuration(99_000)).toBe("1m 39s");
    expect(formatDuration(3 * 3600_000 + 5 * 60_000)).toBe("3h 05m");
    expect(formatDuration(50 * 3600_000)).toBe("2d 2h");
  });
  it("estimates the time left from the percent done, only when it can", () => {
    expect(estimateRemainingMs(10_000, 25)).toBe(30_000);
    expect(estimateRemainingMs(10_000, null)).toBeNull();
    expect(estimateRemainingMs(10_000, 0)).toBeNull();
    expect(estimateRemainingMs(10_000, 100)).toBeNull();
  });
  it("prints sizes", () => {
    expect(formatBytes(125)).toBe("125 B");
    expect(formatBytes(1536)).toBe("1.5 KB");
    expect(formatBytes(5 * 1024 ** 3)).toBe("5.0 GB");
  });
});
