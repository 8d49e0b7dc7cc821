import { describe, expect, it } from "vitest";
import { grantNotes } from "./grant-notes";

const limits = { defaultMemMb: 1024, maxMemMb: 4096, defaultWalltimeSeconds: 3600, maxWalltimeSeconds: 86_400 };
const local = { executor: "local" as const, maxNbProcessors: 2, limits };

describe("grantNotes", () => {
  it("says nothing of a job that gets what it asks", () => {
    expect(grantNotes({ nbProc: 2, memMb: 4096, walltimeSeconds: 86_400 }, local)).toEqual([]);
    // A default given to a job that asked nothing is not a surprise.
    expect(grantNotes({ nbProc: 1, memMb: null, walltimeSeconds: null }, local)).toEqual([]);
  });

  it("says nb_proc is clamped to MaxNbProcessors on the local executor only", () => {
    expect(grantNotes({ nbProc: 8, memMb: null, walltimeSeconds: null }, local)).toEqual(["nb_proc 8 is more than MaxNbProcessors (2) of this server; it will run on 2 processors"]);
    expect(grantNotes({ nbProc: 3, memMb: null, walltimeSeconds: null }, { ...local, maxNbProcessors: 1 })).toEqual([
      "nb_proc 3 is more than MaxNbProcessors (1) of this server; it will run on 1 processor",
    ]);
    expect(grantNotes({ nbProc: 8, memMb: null, walltimeSeconds: null }, { ...local, executor: "slurm" })).toEqual([]);
  });

  it("says mem and walltime above the maxima get the maxima", () => {
    expect(grantNotes({ nbProc: 1, memMb: 8192, walltimeSeconds: 2 * 86_400 }, local)).toEqual([
      "mem 8192M is more than the maximum 4096M; this run gets 4096M",
      "walltime 2-00:00:00 is more than the maximum 1-00:00:00; this run gets 1-00:00:00",
    ]);
  });
});
