import { describe, expect, it } from "vitest";
import { brokenReason, dependenciesStatus, dependencyStatus, findCycle } from "./dependencies";

describe("dependency rule", () => {
  it("after_ok waits for done and breaks on any other end; after_any takes any end", () => {
    expect(dependencyStatus("after_ok", "running")).toBe("waiting");
    expect(dependencyStatus("after_ok", "held")).toBe("waiting");
    expect(dependencyStatus("after_ok", "done")).toBe("met");
    for (const s of ["failed", "killed", "cancelled", "lost", "timeout", "deleted"] as const) expect(dependencyStatus("after_ok", s)).toBe("broken");
    for (const s of ["done", "failed", "killed", "deleted"] as const) expect(dependencyStatus("after_any", s)).toBe("met");
    expect(dependencyStatus("after_any", "queued")).toBe("waiting");
  });

  it("all edges must be met; one broken edge breaks the job", () => {
    expect(dependenciesStatus([])).toBe("met");
    expect(dependenciesStatus([{ kind: "after_ok", parentState: "done" }, { kind: "after_any", parentState: "running" }])).toBe("waiting");
    expect(dependenciesStatus([{ kind: "after_ok", parentState: "failed" }, { kind: "after_any", parentState: "running" }])).toBe("broken");
    expect(brokenReason(12, "failed")).toMatch(/^job 12, which this job waited for \(after_ok\), ended failed/);
    expect(brokenReason(12, "deleted")).toMatch(/was deleted/);
  });

  it("finds a circle that new edges would close", () => {
    const parents: Record<number, number[]> = { 2: [1], 3: [2], 1: [] };
    const parentsOf = (id: number) => parents[id] ?? [];
    expect(findCycle(4, [3], parentsOf)).toBeNull();
    // Job 1 (already recorded) now asked to wait for 3, which waits for 2, which waits for 1.
    expect(findCycle(1, [3], parentsOf)).toEqual([1, 3, 2, 1]);
    expect(findCycle(5, [5], parentsOf)).toEqual([5, 5]);
  });
});
