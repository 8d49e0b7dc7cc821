/** The dashboard's header: counts per state, processors and GPUs in use, the worker's heartbeat. */
import os from "node:os";
import type { QueueStatus } from "../core/api-types";
import { formatGpuList } from "../core/gpu-sets";
import { isWorkerAlive, parseWorkerStats } from "../core/worker-stats";
import type { Db } from "./db";
import type { StateCounts } from "./store/state-counts";

/** GPUs held by the rows marked running (when the worker's own figure is stale). */
const fromRowsGpus = (running: { nbGpu: number }[]) => running.reduce((sum, j) => sum + j.nbGpu, 0);

export async function getQueueStatus(db: Db, stateCounts: StateCounts, maxNbProcessors: number): Promise<QueueStatus> {
  const [all, worker, running] = await Promise.all([
    stateCounts.read(),
    db.workerStatus.findUnique({ where: { id: 1 } }),
    db.job.findMany({ where: { state: "running" }, select: { nbProc: true, nbGpu: true } }),
  ]);
  const counts = Object.fromEntries(Object.entries(all).filter(([state]) => state !== "deleted"));
  const stats = parseWorkerStats(worker?.stats);
  const alive = worker ? isWorkerAlive(worker.heartbeatAt, stats) : false;
  // A job asking for more than MaxNbProcessors runs clamped to it.
  const fromRows = running.reduce((sum, j) => sum + Math.min(j.nbProc, maxNbProcessors), 0);
  return {
    counts,
    maxNbProcessors,
    // A stopped worker's last figure is stale; the rows still say what is marked running.
    processorsInUse: alive && stats.processorsInUse !== undefined ? stats.processorsInUse : fromRows,
    // The web server runs on the same machine as the worker: its own reading is current.
    loadavg: os.loadavg().map((l) => Math.round(l * 100) / 100),
    cpus: stats.cpus ?? os.cpus().length,
    gpus: stats.gpus?.length ? { list: formatGpuList(stats.gpus), total: stats.gpus.length, inUse: alive ? (stats.gpusInUse ?? 0) : fromRowsGpus(running) } : null,
    worker: worker ? { alive, pid: worker.pid, host: worker.host, heartbeatAt: worker.heartbeatAt.toISOString(), isolation: stats.isolation } : null,
    executor: stats.executor ?? "local",
    cluster: stats.cluster ?? null,
  };
}
