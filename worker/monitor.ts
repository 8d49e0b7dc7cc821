/**
 * While jobs run, once a second: sample each run's memory and CPU (one pass for all,
 * through the executor), update progress from the tail of process.log (a database write
 * only when it changed, with a time sample for the job page's chart), and act on kill
 * requests. Nothing runs while idle.
 */
import path from "node:path";
import { LOG_FILE, lastRunOutput } from "../lib/core/job-log";
import { parseProgress } from "../lib/core/progress";
import { readTail } from "../lib/server/read-tail";
import { type WorkerContext, stopRun } from "./context";
import { failureStreak } from "./failure-streak";

export const MONITOR_MS = 1000;

/** Stop the running jobs whose row has a kill request. */
export async function checkKillRequests(ctx: WorkerContext): Promise<void> {
  if (!ctx.running.size) return;
  for (const id of await ctx.store.killRequests()) {
    const job = ctx.running.get(id);
    if (job) stopRun(ctx, job, "kill requested");
  }
}

export function createMonitor(ctx: WorkerContext) {
  let timer: NodeJS.Timeout | undefined;
  let busy = false;
  const failures = failureStreak(ctx.log, "monitor", (why) => `monitor: ${why}`);

  const tick = async () => {
    if (busy) return;
    busy = true;
    try {
      const jobs = [...ctx.running.values()];
      const samples = ctx.executor.sample(jobs.map((j) => j.run));
      for (const job of jobs) {
        const s = samples.get(job.run);
        if (s) {
          job.peakMemoryKb = Math.max(job.peakMemoryKb ?? 0, s.memoryKb);
          job.sampledCpuSeconds = Math.max(job.sampledCpuSeconds ?? 0, s.cpuSeconds);
        }
        const progress = parseProgress(lastRunOutput(readTail(path.join(job.dir, LOG_FILE))));
        if (progress !== null && progress !== job.progress) {
          job.progress = progress;
          await ctx.store.recordProgress(job.id, { state: job.state }, progress);
        }
      }
      await checkKillRequests(ctx);
      failures.succeeded();
    } catch (error) {
      failures.failed(error);
    } finally {
      busy = false;
    }
    if (!ctx.running.size) stop();
  };

  function stop() {
    clearInterval(timer);
    timer = undefined;
  }

  return {
    /** Start ticking if jobs run (called after each launch). */
    ensure() {
      if (!timer && ctx.running.size) timer = setInterval(() => void tick(), MONITOR_MS);
    },
    stop,
  };
}
