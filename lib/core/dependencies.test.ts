import { describe, expect, it } from "vitest";
import { brokenReason, dependenciesStatus, dependencyStatus } from "./dependencies";

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
    expect(brokenReason(12, "deleted")).toMatch(/was deleted; it will never run \(submit it again without that dependency\)$/);
    // The parent first: a child requeued before it is refused (lib/server/jobs/requeue-job.ts).
    expect(brokenReason(12, "failed")).toMatch(/\(requeue job 12, then this job, to try again\)$/);
  });
});
