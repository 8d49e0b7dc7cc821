import { describe, expect, it } from "vitest";
import { compareQuerySchema, infoKeyRows, parseJobIds } from "./compare-runs";

describe("compare runs", () => {
  it("reads ids and ranges, once each, and says what is wrong", () => {
    expect(parseJobIds("12, 13 20-22,12")).toEqual([12, 13, 20, 21, 22]);
    expect(() => parseJobIds("12,abc")).toThrow(/"abc" is not a job id/);
    expect(() => parseJobIds("5-3")).toThrow(/must go upwards/);
    expect(() => parseJobIds("1-100")).toThrow(/at most 12/);
    expect(() => parseJobIds("1-10,20-25")).toThrow(/at most 12 jobs at a time \(16 asked\)/);
    // Past PostgreSQL's INTEGER, the query failed (a 500).
    expect(() => parseJobIds("3000000000")).toThrow(/"3000000000" is not a job id: ids go from 1 to 2147483647/);
    expect(compareQuerySchema.safeParse({ array: "3000000000" }).success).toBe(false);
  });

  it("marks the keys whose values differ, a missing key included", () => {
    const rows = infoKeyRows([{ script: "sh run.sh", alpha: "0.1" }, { script: "sh run.sh", alpha: "0.2", extra: "x" }]);
    expect(rows).toEqual([
      { key: "script", values: ["sh run.sh", "sh run.sh"], differs: false },
      { key: "alpha", values: ["0.1", "0.2"], differs: true },
      { key: "extra", values: [null, "x"], differs: true },
    ]);
  });
});
