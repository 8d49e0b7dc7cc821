/**
 * The worker's heartbeat: every few seconds, also when idle, one small SQL upsert of
 * WorkerStatus with what the dashboard shows (processors and GPUs in use, load; the cluster
 * with Slurm) and the GPUs the web app checks submissions against (none said with Slurm,
 * which judges nb_gpu itself), and why the job it would start now waits for a uid, if it does
 * (written at once when that changes: the runner calls it then). At a stop, a last one says
 * so, so that the dashboard and /api/health know at once.
 */
import os from "node:os";
import { freeGpuCount } from "../lib/core/gpu-sets";
import { startupValues } from "../lib/core/startup-keys";
import type { WorkerStats } from "../lib/core/worker-stats";
import { writeHeartbeat, writeLastHeartbeat } from "../lib/server/store/worker-status";
import type { WorkerContext } from "./context";
import type { Dispatcher } from "./dispatcher";

/** `dispatcher`: its wait for a uid of Job_Uids and its waiting head (worker/dispatcher.ts), undefined when none. */
export function createHeartbeat(ctx: WorkerContext, dispatcher: Pick<Dispatcher, "startWait" | "headWait"> = { startWait: () => undefined, headWait: () => undefined }) {
  const startedAt = new Date();
  // Read once: os.cpus() parses /proc/cpuinfo (60 KB on a 64-core server) for a count.
  const cpus = os.cpus().length;
  return async function beat(stopped = false): Promise<void> {
    const jobs = [...ctx.running.values()];
    const running = jobs.filter((j) => j.state === "running");
    const processorsInUse = running.reduce((a, j) => a + j.granted, 0);
    const gpus = ctx.executor.schedulesItself ? {} : { gpus: ctx.gpus, gpusInUse: ctx.gpus.length - freeGpuCount(ctx.gpus, jobs.map((j) => j.gpus)) };
    const wait = stopped ? undefined : dispatcher.startWait();
    const head = stopped ? undefined : dispatcher.headWait();
    const stats = {
      loadavg: os.loadavg(), cpus, maxNbProcessors: ctx.config().maxNbProcessors, processorsInUse, running: running.length, executor: ctx.executor.name,
      isolation: ctx.isolation, pending: jobs.length - running.length, startup: startupValues(ctx.config(), "worker"), cluster: ctx.executor.clusterStats?.(), ...gpus, ...(wait ? { startWait: wait } : {}), ...(head ? { headWait: { ...head } } : {}), ...(stopped ? { stopped } : {}),
    } satisfies WorkerStats;
    await (stopped ? writeLastHeartbeat : writeHeartbeat)(ctx.store.sql, { pid: process.pid, host: ctx.host, startedAt, at: new Date(), stats: JSON.stringify(stats) });
  };
}
