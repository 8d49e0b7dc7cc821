import { describe, expect, it } from "vitest";
import { slurmPendingLabel, slurmReasonWords, slurmRunInfoOf } from "./slurm-run-info";

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

describe("slurmReasonWords", () => {
  it("says what a reason that never passes by itself means and what to do", () => {
    // A job asking more processors than the (one-node) partition has waited for ever as
    // "pending in Slurm (PartitionConfig)"; one held by scontrol as "(JobHeldAdmin)".
    expect(slurmReasonWords("PartitionConfig")).toMatch(/^PartitionConfig: it asks for more than the partition allows \(nb_proc, mem, walltime or nb_gpu\), so Slurm will not start it as it is: kill it and submit it asking for less/);
    expect(slurmReasonWords("JobHeldAdmin")).toBe("JobHeldAdmin: held in Slurm by the cluster's administrator: it starts once they release it");
    expect(slurmReasonWords("Resources")).toMatch(/^Resources: waiting for the processors, memory or GPUs/);
    expect(slurmReasonWords("AssocGrpCpuLimit")).toBe("AssocGrpCpuLimit");
    expect(slurmReasonWords("None")).toBeNull();
    expect(slurmReasonWords(null)).toBeNull();
  });
});
