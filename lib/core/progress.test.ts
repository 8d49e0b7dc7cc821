import { describe, expect, it } from "vitest";
import { parseProgress } from "./progress";

describe("parseProgress", () => {
  it("reads the last `i / n` of the log as a percent", () => {
    expect(parseProgress("processing 1 / 4\nprocessing 3 / 4\n")).toBe(75);
    expect(parseProgress("no progress here")).toBeNull();
    expect(parseProgress("5 / 0")).toBeNull();
  });

  it("takes `i / n` written alone, not numbers inside a name, path or date", () => {
    expect(parseProgress("step 5/32\n")).toBe(15.6);
    expect(parseProgress("[3/4] fitting\n")).toBe(75);
    expect(parseProgress("processing 1 / 4\nprocessing 2 / 4 done.\n")).toBe(50);
    // After a real progress line, none of these may replace it.
    const after = (line: string) => parseProgress(`processing 1 / 2\n${line}\n`);
    expect(after("wrote run_3/12.png")).toBe(50);
    expect(after("reading data/2/10")).toBe(50);
    expect(after("started 01/12/2026 at 10:00")).toBe(50);
    expect(after("ratio 1.5/3")).toBe(50);
    expect(after("ratio 3/4.5")).toBe(50);
  });
});
