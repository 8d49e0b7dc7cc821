import { describe, expect, it } from "vitest";
import { diffLines } from "./line-diff";

const lines = (n: number, change?: (i: number) => string | null) =>
  Array.from({ length: n }, (_, i) => (change ? change(i + 1) : `line ${i + 1}`)).filter((l) => l !== null).join("\n") + "\n";

describe("diffLines", () => {
  it("finds nothing in equal files", () => {
    expect(diffLines("a\nb\n", "a\nb\n")).toEqual({ hunks: [], added: 0, removed: 0 });
  });

  it("shows a changed line with its context and both line numbers", () => {
    const result = diffLines(lines(20), lines(20, (i) => (i === 10 ? "line ten" : `line ${i}`)));
    if ("tooDifferent" in result) throw new Error("diffed");
    expect(result.added).toBe(1);
    expect(result.removed).toBe(1);
    expect(result.hunks).toHaveLength(1);
    const hunk = result.hunks[0].lines;
    expect(hunk.map((l) => `${l.kind[0]}${l.a ?? "-"}/${l.b ?? "-"} ${l.text}`)).toEqual([
      "s7/7 line 7", "s8/8 line 8", "s9/9 line 9", "d10/- line 10", "a-/10 line ten", "s11/11 line 11", "s12/12 line 12", "s13/13 line 13",
    ]);
  });

  it("keeps far apart changes in separate hunks, and removals and insertions at the ends", () => {
    const result = diffLines(lines(30), lines(30, (i) => (i === 1 ? null : i === 30 ? "line 30\nextra" : `line ${i}`)));
    if ("tooDifferent" in result) throw new Error("diffed");
    expect(result.hunks).toHaveLength(2);
    expect(result.hunks[0].lines[0]).toEqual({ kind: "del", text: "line 1", a: 1, b: null });
    expect(result.hunks[1].lines.at(-1)).toEqual({ kind: "add", text: "extra", a: null, b: 30 });
  });

  it("gives up on files that differ everywhere", () => {
    expect(diffLines(lines(50), lines(50, (i) => `other ${i}`), { maxEdits: 20 })).toEqual({ tooDifferent: true, added: 50, removed: 50 });
  });
});
