import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { exitRecordName } from "../../lib/core/exit-record";
import { createPoller } from "./slurm-poller";
import { NEVER_HANDED, type SlurmRun, createSlurmRun } from "./slurm-run";
import { FIELD_SEPARATOR as S } from "./slurm-states";

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

describe("the Slurm poller, for a run adopted while Slurm did not answer, never handed to it", () => {
  const adopt = async (squeue: string) => {
    const runsDir = fs.mkdtempSync(path.join(os.tmpdir(), "qm-poller-"));
    dirs.push(runsDir);
    const run = createSlurmRun({ jobId: 7, runToken: "tok", dir: "/qm/QM_Jobs/j7", slurmJobId: null, partition: null });
    run.unsubmitted = true;
    const runs = new Map<string, SlurmRun>([["tok", run]]);
    await new Promise((r) => setTimeout(r, 5));
    let looks = 0;
    const poller = createPoller({
      cli: async (command) => (command === "squeue" ? (looks++, squeue) : ""),
      runs, runsDir, graceMs: 60_000, log: () => undefined, pollMs: () => 20,
      accounting: { states: async () => new Map() }, afterLook: async () => undefined,
    });
    return { run, runs, looks: () => looks, close: () => poller.close() };
  };

  it("sends it back to the queue once Slurm answers and lists no job of its name (it never ran)", async () => {
    const { run, runs, close } = await adopt("");
    try {
      expect(await run.started.exited).toMatchObject({ unsubmitted: true, error: NEVER_HANDED, exitCode: null });
      expect(runs.size).toBe(0);
    } finally {
      close();
    }
  });

  it("follows it as any run when Slurm lists it by name after all (an sbatch that timed out had created it)", async () => {
    const { run, looks, close } = await adopt(`55${S}RUNNING${S}node1${S}None${S}/qm/QM_Jobs/j7${S}qm-7-tok\n`);
    try {
      await waitUntil(() => looks() >= 2);
      expect(run.ended).toBe(false);
      expect(run.unsubmitted).toBe(false);
      expect(run.slurmJobId).toBe("55");
    } finally {
      close();
    }
  });
});

async function waitUntil(ok: () => boolean) {
  for (let i = 0; i < 200 && !ok(); i++) await new Promise((r) => setTimeout(r, 10));
}
