import { describe, expect, it } from "vitest";
import type { JobState } from "./job-lifecycle";
import { type FinishedFolder, planRetention } from "./retention";

const now = new Date("2026-12-01T00:00:00Z");
const GB = 1024 ** 3;
const daysAgo = (d: number) => new Date(now.getTime() - d * 86_400_000);
const job = (id: number, ended: number, gb: number, state: JobState = "done"): FinishedFolder => ({ id, name: `j${id}`, state, folder: `QM_dJobs/j${id}`, endedAt: daysAgo(ended), sizeBytes: gb * GB });

describe("planRetention", () => {
  it("removes by age the jobs that ended more than Keep_Days ago, oldest first", () => {
    const plan = planRetention([job(1, 10, 1), job(2, 40, 1), job(3, 31, 1), job(4, 29, 1)], null, { keepDays: 30, maxGb: 0 }, now);
    expect(plan.purge.map((p) => [p.id, p.reason])).toEqual([[2, "age"], [3, "age"]]);
    expect(plan.cutoff).toEqual(daysAgo(30));
    expect(plan.ceilingBytes).toBeNull();
  });

  it("above the ceiling, removes the oldest until the rest fits, counting what age already removed", () => {
    const jobs = [job(1, 1, 3), job(2, 2, 3), job(3, 3, 3), job(4, 50, 2)];
    // 11 GB used, ceiling 5: age removes #4 (2 GB, 9 left), then #3 (6 left), then #2 (3 left).
    const plan = planRetention(jobs, 11 * GB, { keepDays: 30, maxGb: 5 }, now);
    expect(plan.purge.map((p) => [p.id, p.reason])).toEqual([[4, "age"], [3, "space"], [2, "space"]]);
    expect(plan.afterBytes).toBe(3 * GB);
  });

  it("counts space the rows do not know (folders dropped in by hand) but can only remove rows", () => {
    const plan = planRetention([job(1, 1, 1)], 10 * GB, { keepDays: 0, maxGb: 5 }, now);
    expect(plan.purge.map((p) => p.id)).toEqual([1]);
    expect(plan.afterBytes).toBe(9 * GB);
  });

  it("never lists a job that is not finished, however old", () => {
    const jobs = (["queued", "held", "pending", "running", "deleted"] as const).map((state, i) => job(i + 1, 400, 5, state));
    expect(planRetention([...jobs, job(9, 400, 1, "failed")], 30 * GB, { keepDays: 1, maxGb: 1 }, now).purge.map((p) => p.id)).toEqual([9]);
  });

  it("with both keys at 0 removes nothing", () => {
    expect(planRetention([job(1, 4000, 100)], null, { keepDays: 0, maxGb: 0 }, now).purge).toEqual([]);
  });
});
