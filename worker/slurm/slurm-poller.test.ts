import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { exitRecordName } from "../../lib/core/exit-record";
import { createPoller } from "./slurm-poller";
import { type SlurmRun, createSlurmRun } from "./slurm-run";

const dirs: string[] = [];
afterEach(() => dirs.splice(0).forEach((d) => fs.rmSync(d, { recursive: true, force: true })));

/** One run of Slurm job 42 that squeue no longer lists, whose wrapper recorded `status`; sacct says `sacctState`. */
async function endOf(status: number, sacctState: string) {
  const runsDir = fs.mkdtempSync(path.join(os.tmpdir(), "qm-poller-"));
  dirs.push(runsDir);
  fs.writeFileSync(path.join(runsDir, exitRecordName("tok")), `status=${status}\ntimes=0m0.010s 0m0.002s\n0m1.000s 0m0.500s\nend\n`);
  const run = createSlurmRun({ jobId: 7, runToken: "tok", dir: "/qm/QM_Jobs/j7", slurmJobId: "42", partition: null, running: true });
  const runs = new Map<string, SlurmRun>([["tok", run]]);
  await new Promise((r) => setTimeout(r, 5)); // the squeue below begins after sbatch accepted it
  const asked: string[] = [];
  const poller = createPoller({
    cli: async (command) => (command === "squeue" ? "" : ""),
    runs, runsDir, graceMs: 60_000, log: () => undefined, pollMs: () => 1000,
    accounting: { states: async (ids) => (asked.push(...ids), new Map(ids.map((id) => [id, sacctState]))) },
    afterLook: async () => undefined,
  });
  try {
    return { report: await run.started.exited, asked };
  } finally {
    poller.close();
  }
}

describe("the Slurm poller, for a run squeue has forgotten", () => {
  it("asks sacct about a run whose command a signal ended: NODE_FAIL there makes it lost, not failed 143", async () => {
    const { report, asked } = await endOf(143, "NODE_FAIL");
    expect(asked).toEqual(["42"]);
    expect(report).toMatchObject({ lost: true, error: "its Slurm node failed while it ran (NODE_FAIL)", exitCode: 143 });
  });

  it("leaves a run that ended on its own to its record, without asking sacct", async () => {
    const { report, asked } = await endOf(3, "NODE_FAIL");
    expect(asked).toEqual([]);
    expect(report).toEqual({ exitCode: 3, signal: null, cpuSeconds: expect.any(Number), runInfo: expect.objectContaining({ slurmJobId: "42" }) });
  });
});
