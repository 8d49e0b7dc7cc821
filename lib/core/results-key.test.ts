import { describe, expect, it } from "vitest";
import { matchesPattern, resultPatterns } from "./results-key";

describe("the results key", () => {
  it("lists the files named, dropping what could lead outside the job folder", () => {
    expect(resultPatterns(" fit.png, table.csv ,,./plots/*.png, ../x.png, /etc/passwd, a/../b")).toEqual(["fit.png", "table.csv", "plots/*.png"]);
    expect(resultPatterns(undefined)).toEqual([]);
  });

  it("matches * and ? within one component only", () => {
    expect(matchesPattern("plots/*.png", "plots/fit 1.png")).toBe(true);
    expect(matchesPattern("plots/*.png", "plots/sub/fit.png")).toBe(false);
    expect(matchesPattern("*.png", "plots/fit.png")).toBe(false);
    expect(matchesPattern("run?.csv", "run7.csv")).toBe(true);
    expect(matchesPattern("a+b(1).png", "a+b(1).png")).toBe(true);
    expect(matchesPattern("fit.png", "fitXpng")).toBe(false);
  });
});
