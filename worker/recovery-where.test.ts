import { describe, expect, it } from "vitest";
import { whereRuns } from "./recovery";

describe("whereRuns (recovery's log of an adopted run)", () => {
  it("names the process of a local run and the Slurm job of a Slurm run, never \"pid 0\"", () => {
    expect(whereRuns({ pid: 4321, runInfo: {} })).toBe("pid 4321");
    expect(whereRuns({ pid: 0, runInfo: { executor: "slurm", slurmJobId: "17" } })).toBe("Slurm job 17");
    expect(whereRuns({ pid: 0, runInfo: { executor: "slurm", slurmJobId: null } })).toBe("in Slurm");
  });
});
