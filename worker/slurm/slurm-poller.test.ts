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

describe("the Slurm poller, for a run QueueManager asked to stop", () => {
  /** A run of Slurm job 42 whose kill was asked for, which squeue lists CANCELLED with no exit record; `startedAt`: seen running by an earlier look. */
  async function cancelled(startedAt: Date | undefined) {
    const runsDir = fs.mkdtempSync(path.join(os.tmpdir(), "qm-poller-"));
    dirs.push(runsDir);
    fs.writeFileSync(path.join(runsDir, "process.log"), "");
    const run = createSlurmRun({ jobId: 7, runToken: "tok", dir: runsDir, slurmJobId: "42", partition: null, running: startedAt !== undefined });
    run.killRequested = true;
    run.startedAt = startedAt;
    const runs = new Map<string, SlurmRun>([["tok", run]]);
    await new Promise((r) => setTimeout(r, 5));
    const logs: string[] = [];
    const poller = createPoller({
      cli: async (command) => (command === "squeue" ? `42${S}CANCELLED${S}n1${S}None${S}/qm/QM_Jobs/j7${S}N/A${S}debug${S}qm-7-tok\n` : ""),
      runs, runsDir, graceMs: 60_000, log: (m) => logs.push(m), pollMs: () => 1000,
      accounting: { states: async () => new Map() }, afterLook: async () => undefined,
    });
    try {
      return { report: await run.started.exited, processLog: fs.readFileSync(path.join(runsDir, "process.log"), "utf8"), logs };
    } finally {
      poller.close();
    }
  }

  it("Slurm's SIGKILL came before the wrapper's exit record: killed by SIGKILL, said in process.log and the worker's log", async () => {
    const { report, processLog, logs } = await cancelled(new Date(Date.now() - 10_000));
    expect(report).toMatchObject({ exitCode: null, signal: "SIGKILL", cancelled: true });
    expect(processLog).toBe("=== Slurm job 42 ended CANCELLED: Slurm killed the job (SIGKILL, KillWait after the SIGTERM) before its exit code was recorded\n");
    expect(logs.join("\n")).toContain("slurm: Slurm job 42 ended CANCELLED after QueueManager's kill and before its wrapper recorded the exit code: killed (SIGKILL)");
  });

  it("a run killed while still pending in Slurm was never signalled: cancelled, no SIGKILL (it never started)", async () => {
    const { report, processLog } = await cancelled(undefined);
    expect(report).toMatchObject({ exitCode: null, signal: null, cancelled: true });
    expect(processLog).toBe("");
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
    const { run, looks, close } = await adopt(`55${S}RUNNING${S}node1${S}None${S}/qm/QM_Jobs/j7${S}2026-12-02T12:00:00${S}short${S}qm-7-tok\n`);
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

describe("the Slurm poller: when a run started is Slurm's start, not its claim", () => {
  const setUp = async (squeue: string, opts: { record?: boolean; log?: string } = {}) => {
    const runsDir = fs.mkdtempSync(path.join(os.tmpdir(), "qm-poller-"));
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), "qm-job-"));
    dirs.push(runsDir, dir);
    if (opts.record) fs.writeFileSync(path.join(runsDir, exitRecordName("tok")), "status=0\ntimes=0m0.010s 0m0.002s\n0m1.000s 0m0.500s\nend\n");
    const header = "=== QueueManager job 7 started ...\n";
    fs.writeFileSync(path.join(dir, "process.log"), header + (opts.log ?? ""));
    const run = createSlurmRun({ jobId: 7, runToken: "tok", dir, slurmJobId: "42", partition: null });
    run.logOffset = Buffer.byteLength(header);
    const changes: unknown[] = [];
    run.started.watch?.((c) => changes.push(c));
    const runs = new Map<string, SlurmRun>([["tok", run]]);
    await new Promise((r) => setTimeout(r, 5));
    const poller = createPoller({
      cli: async (command) => (command === "squeue" ? squeue : ""),
      runs, runsDir, graceMs: 60_000, log: () => undefined, pollMs: () => 20,
      accounting: { states: async () => new Map() }, afterLook: async () => undefined,
    });
    return { run, changes, close: () => poller.close() };
  };

  it("reports squeue's start time with the move to running (seen up to a poll interval late)", async () => {
    const { changes, close } = await setUp(`42${S}RUNNING${S}node1${S}None${S}/x${S}2026-12-02T12:00:05${S}short${S}qm-7-tok\n`);
    try {
      await waitUntil(() => changes.some((c) => (c as { running: boolean }).running));
      expect(changes.at(-1)).toMatchObject({ running: true, startedAt: new Date(2026, 11, 2, 12, 0, 5) });
      // slurm_partition empty: the partition is the one Slurm chose, as squeue says.
      expect(changes.at(-1)).toMatchObject({ runInfo: { partition: "short" } });
    } finally {
      close();
    }
  });

  it("gives the end of a run never seen running Slurm's start (squeue), else the wrapper's line in process.log", async () => {
    const listed = await setUp(`42${S}COMPLETED${S}node1${S}None${S}/x${S}2026-12-02T12:00:05${S}short${S}qm-7-tok\n`, { record: true });
    try {
      expect(await listed.run.started.exited).toMatchObject({ exitCode: 0, startedAt: new Date(2026, 11, 2, 12, 0, 5) });
    } finally {
      listed.close();
    }
    const forgotten = await setUp("", { record: true, log: "=== Slurm job 42 started 2026-12-02T11:59:58Z on node1\nran\n" });
    try {
      expect(await forgotten.run.started.exited).toMatchObject({ exitCode: 0, startedAt: new Date("2026-12-02T11:59:58Z") });
    } finally {
      forgotten.close();
    }
  });

  it("gives no start to a job cancelled while it waited (squeue's start is then the cancel)", async () => {
    const { run, close } = await setUp(`42${S}CANCELLED${S}${S}None${S}/x${S}2026-12-02T12:00:05${S}short${S}qm-7-tok\n`);
    try {
      const report = await run.started.exited;
      expect(report).toMatchObject({ cancelled: true });
      expect(report).not.toHaveProperty("startedAt");
    } finally {
      close();
    }
  });
});
