/**
 * The worker's heartbeat figures, kept as JSON in WorkerStatus.stats: the worker writes
 * them, the dashboard's status reads them. Both sides use this one reader.
 *
 * Every field is optional and a field of the wrong type is dropped rather than failing
 * the whole: a worker of another version (or a hand-edited row) must not take the
 * dashboard down, which then falls back to its own readings for what is missing.
 */
import { isArrayOf, isBoolean, isCount, isNumber, isObject, isString, pickValid } from "./json-guards";

/** One partition of a cluster as `sinfo` shows it: nodes by state, CPUs allocated / idle / other (down, drained) / total. */
export interface PartitionStats {
  name: string;
  /** The partition accepts jobs (sinfo's `up`). */
  up: boolean;
  nodes: number;
  nodeStates: Record<string, number>;
  cpusAllocated: number;
  cpusIdle: number;
  cpusOther: number;
  cpusTotal: number;
}

/** The cluster the jobs are handed to (executor = slurm), as the worker last saw it. */
export interface ClusterStats {
  scheduler: string;
  partitions: PartitionStats[];
  /** When these figures were read (ISO). */
  at: string;
}

export interface WorkerStats {
  /** os.loadavg() on the worker's machine: 1, 5 and 15 minutes. */
  loadavg?: number[];
  /** Processors of the machine (os.cpus().length). */
  cpus?: number;
  /** MaxNbProcessors of QMserv.cfg as the worker applies it. */
  maxNbProcessors?: number;
  /** Processors granted to the running jobs (each clamped to MaxNbProcessors). */
  processorsInUse?: number;
  /** How many jobs are running. */
  running?: number;
  /** Where jobs run: local, slurm... */
  executor?: string;
  /** uid: each job runs as its own unprivileged identity; none: jobs share the worker's privileges. */
  isolation?: "uid" | "none";
  /** The worker's last heartbeat, written as it stopped: it is not running, however recent. */
  stopped?: boolean;
  /** The GPUs the worker hands out (GPU_List, `auto` resolved); the web app refuses jobs asking more. */
  gpus?: number[];
  /** How many of them running jobs hold. */
  gpusInUse?: number;
  /** Jobs handed to the executor that still wait in its own queue (Slurm PENDING). */
  pending?: number;
  /** The values of the keys read only at its start (lib/core/startup-keys.ts startupValues): the web server lists saved ones that differ as waiting for its restart. */
  startup?: Record<string, string>;
  /**
   * Why the job the worker would start now stays queued (worker/dispatcher.ts): no uid of
   * Job_Uids is free for the moment, in its words. Absent when nothing holds a start (and from older workers).
   */
  startWait?: string;
  /**
   * The job at the head of the queue that waits for processors (or GPUs) later jobs are
   * taking, since when and how often overtaken (lib/core/schedule.ts HeadWait): the start
   * estimates simulate the worker's reservation from it. Absent: none (and from older workers).
   */
  headWait?: { jobId: number; since: number; overtaken: number };
  cluster?: ClusterStats;
}

const PARTITION_FIELDS: { [K in keyof PartitionStats]-?: (v: unknown) => boolean } = {
  name: isString,
  up: isBoolean,
  nodes: isCount,
  nodeStates: (v) => isObject(v) && Object.values(v).every(isCount),
  cpusAllocated: isCount,
  cpusIdle: isCount,
  cpusOther: isCount,
  cpusTotal: isCount,
};

/** A partition with every field right, its known fields only; null otherwise. */
function readPartition(v: unknown): PartitionStats | null {
  if (!isObject(v)) return null;
  const partition = pickValid<PartitionStats>(v, PARTITION_FIELDS);
  return Object.keys(partition).length === Object.keys(PARTITION_FIELDS).length ? (partition as PartitionStats) : null;
}

/** The cluster's figures when all of them are right (a malformed one is dropped whole). */
function readCluster(v: unknown): ClusterStats | null {
  if (!isObject(v) || !isString(v.scheduler) || !isString(v.at) || !Array.isArray(v.partitions)) return null;
  const partitions = v.partitions.map(readPartition);
  return partitions.every((p) => p !== null) ? { scheduler: v.scheduler, partitions: partitions as PartitionStats[], at: v.at } : null;
}

/** The flat figures; the cluster is read on its own (readCluster). */
const FIELDS: { [K in keyof Omit<WorkerStats, "cluster">]-?: (v: unknown) => boolean } = {
  loadavg: (v) => isArrayOf(v, isNumber),
  cpus: isCount,
  maxNbProcessors: isCount,
  processorsInUse: isCount,
  running: isCount,
  executor: isString,
  isolation: (v) => v === "uid" || v === "none",
  stopped: isBoolean,
  gpus: (v) => isArrayOf(v, isCount),
  gpusInUse: isCount,
  pending: isCount,
  startup: (v) => isObject(v) && Object.values(v).every(isString),
  startWait: isString,
  headWait: (v) => isObject(v) && isCount(v.jobId) && isNumber(v.since) && isCount(v.overtaken),
};

/** The figures of a parsed heartbeat: its right fields, the others dropped; `{}` for what is not an object. */
export function readWorkerStats(value: unknown): WorkerStats {
  if (!isObject(value)) return {};
  const stats: WorkerStats = pickValid<Omit<WorkerStats, "cluster">>(value, FIELDS);
  const cluster = readCluster(value.cluster);
  if (cluster) stats.cluster = cluster;
  return stats;
}

/** A heartbeat older than this means the worker is gone (it beats every 5 s). */
export const HEARTBEAT_STALE_MS = 15_000;

/** Is the worker running, by its last heartbeat: recent, and not its last word at a stop. */
export function isWorkerAlive(heartbeatAt: Date, stats: WorkerStats, now = Date.now()): boolean {
  return !stats.stopped && now - heartbeatAt.getTime() < HEARTBEAT_STALE_MS;
}

/** The figures of a WorkerStatus.stats text; `{}` for anything that is not JSON. */
export function parseWorkerStats(json: string | null | undefined): WorkerStats {
  if (!json) return {};
  try {
    return readWorkerStats(JSON.parse(json));
  } catch {
    return {};
  }
}
