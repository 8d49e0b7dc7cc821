/**
 * What an executor with a queue of its own (Slurm) reports about a run while it waits and
 * runs (StartedRun.watch): the row moves from `pending` to `running` when the run begins
 * (the `run` transition; startedAt becomes that moment, as the executor knows it, so elapsed
 * time is time run, not time waited), and Job.runInfo follows the run's details (Slurm state, node). One job's
 * changes are written in order, and its end is recorded only after them.
 */
import { planTransition } from "../lib/core/job-lifecycle";
import { type RunningJob, type WorkerContext, message } from "./context";
import type { RunChange } from "./executor";

export interface RunChanges {
  /** Resolves when every change heard so far is written. */
  settled(): Promise<void>;
}

export function followRunChanges(ctx: WorkerContext, job: RunningJob): RunChanges {
  let chain = Promise.resolve();
  job.run.watch?.((change) => {
    chain = chain.then(() => apply(ctx, job, change)).catch((error) => ctx.log.error(`cannot record what its executor reported: ${message(error)}`, { job: job.id }));
  });
  return { settled: () => chain };
}

async function apply(ctx: WorkerContext, job: RunningJob, change: RunChange): Promise<void> {
  const runInfo = runInfoText(job, change.runInfo);
  if (change.running && job.state === "pending") {
    // Slurm's own start time when it is known (the poller sees RUNNING up to slurm_poll_interval late).
    const startedAt = change.startedAt ?? new Date();
    const node = change.runInfo.node;
    const plan = planTransition("run", "pending", "running", { startedAt, runInfo }, typeof node === "string" && node ? `on ${node}` : null);
    if (await ctx.store.transition(job.id, plan, { state: "pending" })) {
      job.state = "running";
      job.startedAt = startedAt;
    }
    return;
  }
  await ctx.store.update(job.id, { state: job.state }, { runInfo });
}

/** Job.runInfo: the executor's details of the run plus what the worker granted it (read back after a restart). */
export function runInfoText(job: Pick<RunningJob, "granted" | "cpus" | "gpus" | "memMb" | "walltimeSeconds">, executorInfo: Record<string, unknown>): string {
  return JSON.stringify({ ...executorInfo, granted: job.granted, cpus: job.cpus, gpus: job.gpus, memMb: job.memMb, walltimeSeconds: job.walltimeSeconds });
}
