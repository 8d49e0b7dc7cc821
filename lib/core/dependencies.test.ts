import { describe, expect, it } from "vitest";
import { brokenReason, dependenciesStatus, dependencyStatus, requeueRefusal } from "./dependencies";

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
  });

  it("a broken wait's words say what can be done: requeue a parent that can run again, else submit the child anew", () => {
    expect(brokenReason({ id: 12, state: "failed" })).toBe("job 12, which this job waited for (after_ok), ended failed; it will never run (requeue job 12, then this job, to try again)");
    expect(brokenReason({ id: 12, state: "deleted" })).toBe("job 12, which this job waited for (after_ok), was deleted; it will never run (submit it again without that wait)");
    // An array element deleted: array:7 leaves it out, so the array can still be waited for.
    expect(brokenReason({ id: 45, state: "deleted", arrayId: 7 })).toBe(
      "job 45 (element of array 7), which this job waited for (after_ok), was deleted; it will never run (submit it again without that wait, or with `after_ok = array:7`, which now stands for the elements left)",
    );
    // Cancelled for a deleted job further up: its requeue is refused, so it is not offered.
    const lost = { id: 11, state: "cancelled", lostFor: "job 11 waited for job 1, which was deleted" } as const;
    expect(brokenReason(lost)).toBe("job 11, which this job waited for (after_ok), ended cancelled and can never run again (job 11 waited for job 1, which was deleted); it will never run (submit it again without that wait)");
    expect(requeueRefusal(12, lost)).toBe(
      "Job 12 waits (after_ok) for job 11, which ended cancelled and can never run again (job 11 waited for job 1, which was deleted), so it would be cancelled again at once; it can never run: submit it again without that wait.",
    );
    expect(requeueRefusal(12, { id: 11, state: "failed" })).toBe("Job 12 waits (after_ok) for job 11, which ended failed, so it would be cancelled again at once; requeue job 11 first.");
  });
});
