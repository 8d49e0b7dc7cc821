/**
 * The worker's heartbeat: every few seconds, also when idle, one small SQL upsert of
 * WorkerStatus with what the dashboard shows (processors and GPUs in use, load) and the
 * GPUs the web app checks submissions against.
 */
import os from "node:os";
import { freeGpuCount } from "../lib/core/gpu-sets";
import type { WorkerStats } from "../lib/core/worker-stats";
import { writeHeartbeat } from "../lib/server/store/worker-status";
import type { WorkerContext } from "./context";

export function createHeartbeat(ctx: WorkerContext) {
  const startedAt = new Date();
  return async function beat(): Promise<void> {
    const running = [...ctx.running.values()];
    const processorsInUse = running.reduce((a, j) => a + j.granted, 0);
    const gpusInUse = ctx.gpus.length - freeGpuCount(ctx.gpus, running.map((j) => j.gpus));
    const stats = {
      loadavg: os.loadavg(), cpus: os.cpus().length, maxNbProcessors: ctx.config().maxNbProcessors, processorsInUse, running: ctx.running.size, executor: ctx.executor.name, isolation: ctx.isolation,
      gpus: ctx.gpus, gpusInUse,
    } satisfies WorkerStats;
    await writeHeartbeat(ctx.store.sql, { pid: process.pid, host: ctx.host, startedAt, at: new Date(), stats: JSON.stringify(stats) });
  };
}
