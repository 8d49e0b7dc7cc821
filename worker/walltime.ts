/**
 * Walltime: a run that reaches its limit is stopped (SIGTERM, SIGKILL after Kill_Grace)
 * and ends `timeout`. One timer per run, counted from its start, so a run adopted after a
 * worker restart keeps the time it has already used.
 */
import { formatWalltime } from "../lib/core/run-limits";
import { type RunningJob, type WorkerContext, stopRun } from "./context";

export function enforceWalltime(ctx: WorkerContext, job: RunningJob): void {
  // A scheduler of its own (Slurm) holds the run to its walltime, counted from when it really starts.
  if (job.walltimeSeconds === null || ctx.executor.schedulesItself) return;
  const left = job.startedAt.getTime() + job.walltimeSeconds * 1000 - Date.now();
  job.walltimeTimer = setTimeout(() => {
    if (!ctx.running.has(job.id) || job.killSignal) return;
    job.limit = "timeout";
    stopRun(ctx, job, `walltime ${formatWalltime(job.walltimeSeconds!)} reached`);
  }, Math.max(0, left));
}
