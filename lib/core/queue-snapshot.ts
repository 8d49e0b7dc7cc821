/**
 * What the start estimate reads: the running and waiting jobs, the settings of the
 * scheduling rule, and how long a running job has left. Pure types and arithmetic; the
 * web app fills them from the database (lib/server/queue/read-queue-snapshot.ts).
 */
import type { DependencyKind } from "./dependencies";
import type { JobState } from "./job-lifecycle";
import { estimateRemainingMs } from "./job-times";
import type { HeadWait, QueuedJob, ScheduleInput } from "./schedule";

/** A running job as the estimate needs it. */
export interface RunningForEstimate {
  id: number;
  granted: number;
  /** GPUs it holds. */
  gpus: number;
  startedAtMs: number;
  progress: number | null;
  walltimeSeconds: number | null;
  arrayId: number | null;
  /** Typical run time (ms) of jobs like it: used when progress and walltime say nothing. */
  typicalMs: number | null;
  /** Where typicalMs comes from: its array's finished elements, or the last jobs done, whatever they were (absent: the array's). */
  typicalFrom?: "array" | "recent";
}

/** A waiting job (queued or held) as the estimate needs it. */
export interface WaitingForEstimate extends QueuedJob {
  state: "queued" | "held";
  walltimeSeconds: number | null;
  typicalMs: number | null;
  dependsOn: { parentId: number; kind: DependencyKind }[];
}

export interface EstimateInput {
  nowMs: number;
  running: RunningForEstimate[];
  waiting: WaitingForEstimate[];
  /** States of the parents that are neither running nor waiting (ended, deleted). */
  parentStates: ReadonlyMap<number, JobState>;
  maxNbProcessors: number;
  /** The GPUs the worker hands out (GPU_List, as its heartbeat says; empty: none); null: no worker has said yet. */
  workerGpus: number[] | null;
  /**
   * The worker hands jobs to a scheduler of its own (executor = slurm, as its heartbeat
   * says): MaxNbProcessors, launch_type and GPU_List do not apply, a queued job is handed
   * over at the next pass (at most MAX_IN_FLIGHT at a time), and when it runs is Slurm's call.
   */
  handsOver?: boolean;
  launchType: ScheduleInput["launchType"];
  /** `%N` limits of arrays, by array id. */
  arrayLimits: ReadonlyMap<number, number>;
  /** Fair share on: CPU-seconds per owner. */
  usage?: ReadonlyMap<string, number>;
  paused: boolean;
  /** The worker stopped (or its heartbeat is stale): nothing starts until it runs again. */
  workerDown?: boolean;
  /** The worker's heartbeat says the job it would start now waits for a uid of Job_Uids (its words); absent: nothing holds a start. */
  startWait?: string | null;
  /** The worker's heartbeat: the head of the queue it may soon reserve processors for, since when (lib/core/schedule.ts); absent: none. */
  headWait?: HeadWait | null;
  /** QM_FOLDER's disk below Min_Free_MB or Min_Free_Inodes: the worker starts nothing until space returns; null: not low (or unknown). */
  diskLow: DiskLow | null;
}

/** Free space against Min_Free_MB, in bytes, while it is too low. */
export interface DiskLow {
  freeBytes: number;
  minFreeBytes: number;
  /** Set when free inodes (files), not bytes, are short: Min_Free_Inodes. */
  inodes?: { free: number; minFree: number };
}

export interface StartEstimate {
  /** Expected start in ms since the epoch; null when it cannot be told. */
  startAtMs: number | null;
  /** Why it waits, in words for its owner. */
  reason: string;
}

/** Time left of a running job (ms), and what it is based on; null: unknown. */
export function remainingOf(job: RunningForEstimate, nowMs: number): { ms: number; basis: "progress" | "walltime" | "typical" } | null {
  const elapsed = nowMs - job.startedAtMs;
  const wall = job.walltimeSeconds ? Math.max(0, job.walltimeSeconds * 1000 - elapsed) : null;
  const byProgress = estimateRemainingMs(elapsed, job.progress);
  if (byProgress !== null) return { ms: wall === null ? byProgress : Math.min(byProgress, wall), basis: "progress" };
  if (wall !== null) return { ms: wall, basis: "walltime" };
  // Longer than typical already: it may end any time; keep a tenth of the typical time.
  if (job.typicalMs) return { ms: Math.max(job.typicalMs - elapsed, job.typicalMs / 10), basis: "typical" };
  return null;
}
