/**
 * Start a queued job. What its run will run as (a uid of Job_Uids) is reserved first: with
 * none free for a moment (a uid being swept, or every one held by a running job) the job
 * stays queued, its row and folder untouched, and dispatch tries it again once one is back.
 * Then the row is claimed: a guarded `start` (queued -> running, or pending for an executor
 * with a queue of its own; its folder named in QM_Jobs), so a job deleted, held or started
 * elsewhere at the same moment is left alone (and what was reserved is given back). Then
 * QM_qJobs/x is renamed to QM_Jobs/x and the executor starts it; its pid and run details
 * follow in a second write (batched with other starts' where the executor can do without
 * them: worker/run-records.ts). The process.log header names the job and the run, so a
 * crash between any two steps is repaired at the next start.
 */
import { randomBytes } from "node:crypto";
import fs from "node:fs";
import path from "node:path";
import { chooseCpus, formatCpuList } from "../lib/core/cpu-sets";
import { chooseGpus, formatGpuList } from "../lib/core/gpu-sets";
import { NO_GPU_USAGE } from "../lib/core/gpu-usage";
import { planTransition } from "../lib/core/job-lifecycle";
import { runAsKeys } from "../lib/core/run-as";
import { formatWalltime, runLimits } from "../lib/core/run-limits";
import { freeName, isEnoent, moveFolder, relFolder } from "../lib/server/qm-folders";
import type { QueuedRow } from "../lib/server/store/job-reads";
import { arrayEnv } from "./array-env";
import { type RunningJob, type WorkerContext, message } from "./context";
import { runInfoText } from "./run-changes";

/** `wait`: not started, and nothing of it changed; dispatch tries again once `until` resolves. */
export type LaunchResult = { job: RunningJob } | { missing: true } | { taken: true } | { failed: string } | { wait: string; until: Promise<void> };

export async function launchJob(ctx: WorkerContext, row: QueuedRow, granted: number): Promise<LaunchResult> {
  const { store, layout } = ctx;
  const src = path.join(layout.root, row.folder);
  if (!fs.existsSync(src)) return { missing: true };
  // What the run holds is chosen, and written with the claim, before anything runs: a
  // worker killed at any later step leaves a row whose devices the next worker counts.
  const config = ctx.config();
  const held = [...ctx.running.values()];
  const limits = runLimits(row, config.limits);
  const cpus = ctx.cpus.length ? chooseCpus(ctx.cpus, held.map((j) => j.cpus), granted) : [];
  // Slurm picks the devices itself (--gres=gpu:N); here decideStarts' GPU budget
  // guarantees them: none free is a bug, not the job's fault.
  const gpus = ctx.executor.schedulesItself ? [] : chooseGpus(ctx.gpus, held.map((j) => j.gpus), row.nbGpu);
  if (!gpus) throw new Error(`job ${row.id} asks for ${row.nbGpu} GPU(s) and fewer are free: it should not have been started`);
  const holds = { granted, cpus, gpus, memMb: limits.memMb, walltimeSeconds: limits.walltimeSeconds };
  const base = path.basename(row.folder);
  let folder = relFolder("running", freeName(layout.running, base));
  const startedAt = new Date();
  const runToken = randomBytes(6).toString("hex");
  // Slurm: handed to its queue, `pending` until it runs (the runner applies `run` then).
  const state = ctx.executor.schedulesItself ? "pending" : "running";
  const what = `${granted} processor(s)${gpus.length ? `, GPU(s) ${formatGpuList(gpus)}` : ""}`;
  const plan = planTransition("start", "queued", state, { folder, startedAt, progress: null, runToken, runInfo: runInfoText(holds, {}) }, what);
  // Before the row or the folder changes: a job that cannot have its uid yet is left as it was.
  const reservation = ctx.executor.reserve?.(runAsKeys(row));
  if (reservation && "wait" in reservation) return { wait: reservation.wait, until: reservation.freed };
  let claimed = false;
  try {
    claimed = await store.transition(row.id, plan, { state: "queued", folder: row.folder });
  } finally {
    if (!claimed) reservation?.cancel();
  }
  if (!claimed) return { taken: true };

  let dirName: string;
  try {
    dirName = await moveFolder(src, layout.running, base, async (candidate) => {
      const next = relFolder("running", candidate);
      if (next !== folder && (await store.update(row.id, { state, folder }, { folder: next }))) folder = next;
    });
  } catch (error) {
    reservation?.cancel();
    const problem = isEnoent(error) ? `its folder ${row.folder} disappeared as it was starting` : `its folder could not be moved into QM_Jobs: ${message(error)}`;
    await store.transition(row.id, planTransition("end", state, "lost", { finishedAt: new Date(), error: problem }, problem), { state });
    return { failed: problem };
  }
  const dir = path.join(layout.running, dirName);
  const limitNotes = [
    ...(cpus.length ? [`CPUs: ${formatCpuList(cpus)}`] : []),
    ...(gpus.length ? [`GPUs: ${formatGpuList(gpus)}`] : []),
    ...(limits.memMb !== null ? [`memory limit: ${limits.memMb}M`] : []),
    ...(limits.walltimeSeconds !== null ? [`walltime: ${formatWalltime(limits.walltimeSeconds)}`] : []),
  ];
  const run = await ctx.executor.start({
    jobId: row.id, name: row.name, dir, script: row.script, runToken, host: ctx.host, at: startedAt, runAs: runAsKeys(row),
    requested: row.nbProc, granted, maxNbProcessors: config.maxNbProcessors, cpus, nbGpu: row.nbGpu, gpus, memMb: limits.memMb, walltimeSeconds: limits.walltimeSeconds, extraEnv: arrayEnv(row),
    notes: [...(row.notes ? (JSON.parse(row.notes) as string[]) : []), ...limits.notes.map((n) => `warning: ${n}`), ...limitNotes],
    reservation,
  });
  const record = { pid: run.pid || null, runInfo: runInfoText(holds, run.runInfo) };
  if (ctx.executor.findsUnrecordedRuns) ctx.runRecords.later(row.id, { state }, record);
  else {
    try {
      await store.update(row.id, { state }, record);
    } catch (error) {
      // The job runs anyway; its end is recorded (and a crash is repaired from the header).
      ctx.log.warn(`cannot record its process: ${message(error)}`, { job: row.id });
    }
  }
  return {
    job: {
      id: row.id, name: row.name, owner: row.owner, info: row.info, script: row.script, dir, dirName, granted, startedAt, runToken, run, state,
      cpus, gpus, nbGpu: row.nbGpu, gpuUsage: NO_GPU_USAGE, memMb: limits.memMb, walltimeSeconds: limits.walltimeSeconds,
      peakMemoryKb: null, progress: null,
    },
  };
}
