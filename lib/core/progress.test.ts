import { describe, expect, it } from "vitest";
import { parseProgress } from "./progress";

describe("parseProgress", () => {
  it("reads the last `i / n` of the log as a percent", () => {
    expect(parseProgress("processing 1 / 4\nprocessing 3 / 4\n")).toBe(75);
    expect(parseProgress("no progress here")).toBeNull();
    expect(parseProgress("5 / 0")).toBeNull();
  });
});
