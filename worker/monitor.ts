/**
 * While jobs run, once a second: sample memory of every job's process group (one pass
 * over /proc for all of them), update progress from the tail of process.log (a database
 * write only when it changed), and act on kill requests. Nothing runs while idle.
 */
import path from "node:path";
import { parseProgress } from "../lib/core/progress";
import { type RunningJob, type WorkerContext, message } from "./context";
import { LOG_FILE } from "./executor";
import { readTail } from "./job-folders";
import { groupMembers, sampleGroups, signalGroup } from "./process-tree";

export const MONITOR_MS = 1000;

/** SIGTERM to the job's process group, SIGKILL after Kill_Grace if any member is left. */
export function killJob(ctx: WorkerContext, job: RunningJob, reason: string): void {
  if (job.killSignal) return;
  ctx.log(`job ${job.id}: ${reason}: SIGTERM to process group ${job.pid}`);
  job.killSignal = "SIGTERM";
  signalGroup(job.pid, "SIGTERM");
  job.killTimer = setTimeout(() => {
    if (groupMembers(job.pid).length) {
      job.killSignal = "SIGKILL";
      signalGroup(job.pid, "SIGKILL");
    }
  }, ctx.config().killGraceMs);
}

/** Kill the running jobs whose row has killRequestedAt set. */
export async function checkKillRequests(ctx: WorkerContext): Promise<void> {
  if (!ctx.running.size) return;
  const rows = await ctx.db.job.findMany({ where: { state: "running", killRequestedAt: { not: null } }, select: { id: true } });
  for (const { id } of rows) {
    const job = ctx.running.get(id);
    if (job) killJob(ctx, job, "kill requested");
  }
}

export function createMonitor(ctx: WorkerContext) {
  let timer: NodeJS.Timeout | undefined;
  let busy = false;

  const tick = async () => {
    if (busy) return;
    busy = true;
    try {
      const jobs = [...ctx.running.values()];
      const samples = sampleGroups(new Set(jobs.map((j) => j.pid)));
      for (const job of jobs) {
        const m = samples.get(job.pid);
        if (m) {
          job.peakMemoryKb = Math.max(job.peakMemoryKb ?? 0, m.rssKb, m.hwmKb);
          job.sampledCpuSeconds = Math.max(job.sampledCpuSeconds ?? 0, m.cpuSeconds);
        }
        const progress = parseProgress(readTail(path.join(job.dir, LOG_FILE)));
        if (progress !== null && progress !== job.progress) {
          job.progress = progress;
          await ctx.db.job.updateMany({ where: { id: job.id, state: "running" }, data: { progress } });
        }
      }
      await checkKillRequests(ctx);
    } catch (error) {
      ctx.log(`monitor: ${message(error)}`);
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
