/**
 * The worker's heartbeat figures, kept as JSON in WorkerStatus.stats: the worker writes
 * them, the dashboard's status reads them. Both sides use this one schema.
 *
 * Every field is optional and a field of the wrong type is dropped rather than failing
 * the whole: a worker of another version (or a hand-edited row) must not take the
 * dashboard down, which then falls back to its own readings for what is missing.
 */
import { z } from "zod";

const count = z.number().int().nonnegative();

/** One partition of a cluster as `sinfo` shows it: nodes by state, CPUs allocated / idle / other (down, drained) / total. */
const partitionSchema = z.object({
  name: z.string(),
  /** The partition accepts jobs (sinfo's `up`). */
  up: z.boolean(),
  nodes: count,
  nodeStates: z.record(z.string(), count),
  cpusAllocated: count,
  cpusIdle: count,
  cpusOther: count,
  cpusTotal: count,
});

/** The cluster the jobs are handed to (executor = slurm), as the worker last saw it. */
export const clusterStatsSchema = z.object({
  scheduler: z.string(),
  partitions: z.array(partitionSchema),
  /** When these figures were read (ISO). */
  at: z.string(),
});
export type ClusterStats = z.infer<typeof clusterStatsSchema>;
export type PartitionStats = z.infer<typeof partitionSchema>;

export const workerStatsSchema = z
  .object({
    /** os.loadavg() on the worker's machine: 1, 5 and 15 minutes. */
    loadavg: z.array(z.number()).optional().catch(undefined),
    /** Processors of the machine (os.cpus().length). */
    cpus: count.optional().catch(undefined),
    /** MaxNbProcessors of QMserv.cfg as the worker applies it. */
    maxNbProcessors: count.optional().catch(undefined),
    /** Processors granted to the running jobs (each clamped to MaxNbProcessors). */
    processorsInUse: count.optional().catch(undefined),
    /** How many jobs are running. */
    running: count.optional().catch(undefined),
    /** Where jobs run: local, slurm... */
    executor: z.string().optional().catch(undefined),
    /** uid: each job runs as its own unprivileged identity; none: jobs share the worker's privileges. */
    isolation: z.enum(["uid", "none"]).optional().catch(undefined),
    /** The worker's last heartbeat, written as it stopped: it is not running, however recent. */
    stopped: z.boolean().optional().catch(undefined),
    /** The GPUs the worker hands out (GPU_List, `auto` resolved); the web app refuses jobs asking more. */
    gpus: z.array(count).optional().catch(undefined),
    /** How many of them running jobs hold. */
    gpusInUse: count.optional().catch(undefined),
    /** Jobs handed to the executor that still wait in its own queue (Slurm PENDING). */
    pending: count.optional().catch(undefined),
    cluster: clusterStatsSchema.optional().catch(undefined),
  })
  .catch({});

/** The heartbeat figures; every field may be missing (see workerStatsSchema). */
export type WorkerStats = z.infer<typeof workerStatsSchema>;

/** A heartbeat older than this means the worker is gone (it beats every 5 s). */
export const HEARTBEAT_STALE_MS = 15_000;

/** Is the worker running, by its last heartbeat: recent, and not its last word at a stop. */
export function isWorkerAlive(heartbeatAt: Date, stats: WorkerStats, now = Date.now()): boolean {
  return !stats.stopped && now - heartbeatAt.getTime() < HEARTBEAT_STALE_MS;
}

/** The figures of a WorkerStatus.stats text; `{}` for anything that is not JSON. */
export function parseWorkerStats(json: string | null | undefined): WorkerStats {
  if (!json) return {};
  let value: unknown;
  try {
    value = JSON.parse(json);
  } catch {
    return {};
  }
  return workerStatsSchema.parse(value);
}
