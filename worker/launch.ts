/**
 * Start a queued job. The row is claimed first: a guarded `start` (queued -> running, or
 * pending for an executor with a queue of its own; its folder named in QM_Jobs), so a job deleted, held or started elsewhere at the same
 * moment is left alone. Then QM_qJobs/x is renamed to QM_Jobs/x and the executor starts
 * it; its pid and run details follow in a second write. The process.log header names the
 * job and the run, so a crash between any two steps is repaired at the next start.
 */
import { randomBytes } from "node:crypto";
import fs from "node:fs";
import path from "node:path";
import { chooseCpus, formatCpuList } from "../lib/core/cpu-sets";
import { planTransition } from "../lib/core/job-lifecycle";
import { runAsKeys } from "../lib/core/run-as";
import { formatWalltime, runLimits } from "../lib/core/run-limits";
import { freeName, isEnoent, moveFolder, relFolder } from "../lib/server/qm-folders";
import type { QueuedRow } from "../lib/server/store/job-reads";
import { arrayEnv } from "./array-env";
import { type RunningJob, type WorkerContext, message } from "./context";
import { runInfoText } from "./run-changes";

export type LaunchResult = { job: RunningJob } | { missing: true } | { taken: true } | { failed: string };

export async function launchJob(ctx: WorkerContext, row: QueuedRow, granted: number): Promise<LaunchResult> {
  const { store, layout } = ctx;
  const src = path.join(layout.root, row.folder);
  if (!fs.existsSync(src)) return { missing: true };
  const base = path.basename(row.folder);
  let folder = relFolder("running", freeName(layout.running, base));
  const startedAt = new Date();
  const runToken = randomBytes(6).toString("hex");
  // Slurm: handed to its queue, `pending` until it runs (the runner applies `run` then).
  const state = ctx.executor.schedulesItself ? "pending" : "running";
  const plan = planTransition("start", "queued", state, { folder, startedAt, progress: null, runToken }, `${granted} processor(s)`);
  if (!(await store.transition(row.id, plan, { state: "queued", folder: row.folder }))) return { taken: true };

  let dirName: string;
  try {
    dirName = await moveFolder(src, layout.running, base, async (candidate) => {
      const next = relFolder("running", candidate);
      if (next !== folder && (await store.update(row.id, { state, folder }, { folder: next }))) folder = next;
    });
  } catch (error) {
    const problem = isEnoent(error) ? `its folder ${row.folder} disappeared as it was starting` : `its folder could not be moved into QM_Jobs: ${message(error)}`;
    await store.transition(row.id, planTransition("end", state, "lost", { finishedAt: new Date(), error: problem }, problem), { state });
    return { failed: problem };
  }
  const dir = path.join(layout.running, dirName);
  const config = ctx.config();
  const limits = runLimits(row, config.limits);
  const cpus = ctx.cpus.length ? chooseCpus(ctx.cpus, [...ctx.running.values()].map((j) => j.cpus), granted) : [];
  const limitNotes = [
    ...(cpus.length ? [`CPUs: ${formatCpuList(cpus)}`] : []),
    ...(limits.memMb !== null ? [`memory limit: ${limits.memMb}M`] : []),
    ...(limits.walltimeSeconds !== null ? [`walltime: ${formatWalltime(limits.walltimeSeconds)}`] : []),
  ];
  const run = await ctx.executor.start({
    jobId: row.id, name: row.name, dir, script: row.script, runToken, host: ctx.host, at: startedAt, runAs: runAsKeys(row),
    requested: row.nbProc, granted, maxNbProcessors: config.maxNbProcessors, cpus, memMb: limits.memMb, walltimeSeconds: limits.walltimeSeconds, extraEnv: arrayEnv(row),
    notes: [...(row.notes ? (JSON.parse(row.notes) as string[]) : []), ...limits.notes.map((n) => `warning: ${n}`), ...limitNotes],
  });
  try {
    const runInfo = runInfoText({ granted, cpus, memMb: limits.memMb, walltimeSeconds: limits.walltimeSeconds }, run.runInfo);
    await store.update(row.id, { state }, { pid: run.pid || null, runInfo });
  } catch (error) {
    // The job runs anyway; its end is recorded (and a crash is repaired from the header).
    ctx.log.warn(`cannot record its process: ${message(error)}`, { job: row.id });
  }
  return {
    job: {
      id: row.id, name: row.name, owner: row.owner, info: row.info, script: row.script, dir, dirName, granted, startedAt, runToken, run, state,
      cpus, memMb: limits.memMb, walltimeSeconds: limits.walltimeSeconds,
      peakMemoryKb: null, progress: null,
    },
  };
}
