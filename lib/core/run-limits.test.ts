import { describe, expect, it } from "vitest";
import { cpuEfficiency, formatWalltime, runLimits } from "./run-limits";

const settings = { defaultMemMb: 1024, maxMemMb: 4096, defaultWalltimeSeconds: 3600, maxWalltimeSeconds: 86_400 };

describe("a run's limits", () => {
  it("take the job's values, else the defaults", () => {
    expect(runLimits({ memMb: 512, walltimeSeconds: 60 }, settings)).toEqual({ memMb: 512, walltimeSeconds: 60, notes: [] });
    expect(runLimits({ memMb: null, walltimeSeconds: null }, settings)).toEqual({ memMb: 1024, walltimeSeconds: 3600, notes: [] });
  });
  it("cap what is over the maximum, with a note for process.log", () => {
    const limits = runLimits({ memMb: 8192, walltimeSeconds: 2 * 86_400 }, settings);
    expect(limits).toMatchObject({ memMb: 4096, walltimeSeconds: 86_400 });
    expect(limits.notes).toEqual(["mem 8192M is more than the maximum 4096M; this run gets 4096M", "walltime 2-00:00:00 is more than the maximum 1-00:00:00; this run gets 1-00:00:00"]);
  });
  it("are none when neither the job nor the configuration gives one", () => {
    expect(runLimits({ memMb: null, walltimeSeconds: null }, { defaultMemMb: null, maxMemMb: null, defaultWalltimeSeconds: null, maxWalltimeSeconds: null })).toEqual({ memMb: null, walltimeSeconds: null, notes: [] });
  });
});

describe("figures", () => {
  it("write walltimes as Slurm does", () => {
    expect([formatWalltime(2), formatWalltime(90), formatWalltime(3723), formatWalltime(90_061)]).toEqual(["0:02", "1:30", "1:02:03", "1-01:01:01"]);
  });
  it("give CPU efficiency as seff does: CPU time / (wall x CPUs)", () => {
    expect(cpuEfficiency(30, 60, 1)).toBe(50);
    expect(cpuEfficiency(100, 50, 2)).toBe(100);
    expect(cpuEfficiency(null, 60, 1)).toBeNull();
    expect(cpuEfficiency(5, 0, 1)).toBeNull();
  });
});
