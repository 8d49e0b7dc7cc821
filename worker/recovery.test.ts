import { describe, expect, it } from "vitest";
import { refuseForeignRuns, whereRuns } from "./recovery";

describe("whereRuns (recovery's log of an adopted run)", () => {
  it("names the process of a local run and the Slurm job of a Slurm run, never \"pid 0\"", () => {
    expect(whereRuns({ pid: 4321, runInfo: {} })).toBe("pid 4321");
    expect(whereRuns({ pid: 0, runInfo: { executor: "slurm", slurmJobId: "17" } })).toBe("Slurm job 17");
    expect(whereRuns({ pid: 0, runInfo: { executor: "slurm", slurmJobId: null } })).toBe("in Slurm");
  });
});

describe("refuseForeignRuns (a worker started with another executor than its running jobs')", () => {
  const local = (id: number) => ({ id, runInfo: JSON.stringify({ executor: "local", pid: 4321 }) });
  const slurm = (id: number) => ({ id, runInfo: JSON.stringify({ executor: "slurm", slurmJobId: "17" }) });

  it("refuses to start rather than record them lost, and says what to do", () => {
    expect(() => refuseForeignRuns([local(4), slurm(5), local(6)], "slurm")).toThrow(
      "jobs 4, 6 run with executor = local, which a worker with executor = slurm cannot follow (it would record them lost while they run). Set executor = local again in QMserv.cfg and start the worker; change the executor once no job runs (pause the queue and let them end, or kill or requeue them)",
    );
    expect(() => refuseForeignRuns([slurm(5)], "local")).toThrow(/^job 5 runs with executor = slurm, which a worker with executor = local cannot follow \(it would record it lost while it runs\)/);
  });

  it("lets the worker start on its own runs, and on rows with no run yet", () => {
    expect(() => refuseForeignRuns([local(4), { id: 7, runInfo: null }, { id: 8, runInfo: "{}" }], "local")).not.toThrow();
  });
});
