import { describe, expect, it } from "vitest";
import { slurmPendingLabel, slurmRunInfoOf } from "./slurm-run-info";

describe("slurmRunInfoOf", () => {
  const info = { executor: "slurm", slurmJobId: "42", slurmState: "PENDING", node: null, reason: "Resources", partition: "batch" };

  it("reads what the Slurm executor writes, its known fields only", () => {
    expect(slurmRunInfoOf(JSON.stringify({ ...info, extra: 1 }))).toEqual(info);
    expect(slurmPendingLabel(slurmRunInfoOf(JSON.stringify(info))!)).toBe("pending in Slurm (Resources)");
  });

  it.each([
    ["no run info", null],
    ["not JSON", "{executor:"],
    ["a local run's info", JSON.stringify({ pid: 12, uid: 61000 })],
    ["a field missing", JSON.stringify({ ...info, node: undefined })],
    ["a field of the wrong type", JSON.stringify({ ...info, slurmJobId: 42 })],
    ["an array", "[]"],
  ])("is null for %s", (_, text) => {
    expect(slurmRunInfoOf(text)).toBeNull();
  });
});
