/**
 * Which queued jobs start now: a pure decision, so every rule is unit-tested.
 *
 * - `blocking`: one job at a time, strictly in queue order.
 * - `non-blocking`: jobs start while the processors granted to running jobs, each
 *   min(nb_proc, MaxNbProcessors), stay within MaxNbProcessors.
 * - Order: higher priority first, then (fair share on) the owner who used the fewest
 *   CPU-seconds recently, then oldest submittedAt, then lowest id.
 * - Arrays with a `%N` limit: an element is skipped while N elements of its array run.
 * - Reservation with backfill: the first job in order that does not fit is the head.
 *   Smaller jobs behind it may start ("backfill") only while the head has waited less
 *   than RESERVE_AFTER_MS and been overtaken fewer than RESERVE_AFTER_OVERTAKES times;
 *   after that nothing else starts until the head fits.
 */

/** A queued job as the scheduler needs it. */
export interface QueuedJob {
  id: number;
  nbProc: number;
  priority: number;
  submittedAt: Date;
  /** Its array, when it is an element of one with a `%N` limit (see ScheduleInput.arrays). */
  arrayId?: number | null;
  /** Whose job it is, for fair share (lib/core/fair-share.ts). */
  ownerKey?: string;
}

/** An array's `%N` limit and how many of its elements run now. */
export interface ArrayLoad {
  maxRunning: number;
  running: number;
}

/** How long the head job has been blocked, carried from one decision to the next. */
export interface HeadWait {
  jobId: number;
  since: number;
  overtaken: number;
}

export interface ScheduleInput {
  queue: QueuedJob[];
  /** Processors granted to each running job. */
  running: number[];
  maxNbProcessors: number;
  launchType: "blocking" | "non-blocking";
  now: number;
  head?: HeadWait;
  /** Arrays with a `%N` limit, by id; elements of arrays not listed have none. */
  arrays?: ReadonlyMap<number, ArrayLoad>;
  /** Fair share on: CPU-seconds each owner used recently (absent owners: 0). */
  usage?: ReadonlyMap<string, number>;
}

export interface ScheduleDecision {
  starts: { id: number; granted: number }[];
  head?: HeadWait;
  /** Some element was skipped because its array is at its `%N` limit. */
  limited?: boolean;
}

export const RESERVE_AFTER_MS = 30_000;
export const RESERVE_AFTER_OVERTAKES = 5;

/** Processors a job gets: nb_proc clamped to 1..MaxNbProcessors. */
export function grantedProcessors(nbProc: number, maxNbProcessors: number): number {
  return Math.max(1, Math.min(nbProc, maxNbProcessors));
}

/** The queue's order; `usage` given: fair share between owners of equal priority. */
export function compareQueued(a: QueuedJob, b: QueuedJob, usage?: ReadonlyMap<string, number>): number {
  const share = usage ? (usage.get(a.ownerKey ?? "") ?? 0) - (usage.get(b.ownerKey ?? "") ?? 0) : 0;
  return b.priority - a.priority || share || a.submittedAt.getTime() - b.submittedAt.getTime() || a.id - b.id;
}

export function decideStarts(input: ScheduleInput): ScheduleDecision {
  const queue = [...input.queue].sort((a, b) => compareQueued(a, b, input.usage));
  const max = input.maxNbProcessors;
  const starts: ScheduleDecision["starts"] = [];
  const loads = new Map([...(input.arrays ?? [])].map(([id, load]) => [id, { ...load }]));
  const atLimit = (job: QueuedJob) => {
    const load = job.arrayId == null ? undefined : loads.get(job.arrayId);
    return load !== undefined && load.running >= load.maxRunning;
  };
  const started = (job: QueuedJob) => {
    const load = job.arrayId == null ? undefined : loads.get(job.arrayId);
    if (load) load.running += 1;
  };
  let limited = false;
  if (input.launchType === "blocking") {
    const first = queue.find((job) => !atLimit(job));
    if (input.running.length === 0 && first) starts.push({ id: first.id, granted: grantedProcessors(first.nbProc, max) });
    return { starts };
  }
  let free = max - input.running.reduce((sum, g) => sum + g, 0);
  let head: HeadWait | undefined;
  for (const job of queue) {
    if (atLimit(job)) {
      limited = true;
      continue;
    }
    const granted = grantedProcessors(job.nbProc, max);
    if (granted <= free) {
      starts.push({ id: job.id, granted });
      started(job);
      free -= granted;
      if (head) head.overtaken += 1;
      continue;
    }
    if (head) continue;
    head = input.head?.jobId === job.id ? { ...input.head } : { jobId: job.id, since: input.now, overtaken: 0 };
    if (isReserved(head, input.now)) break;
  }
  return { starts, head, limited };
}

/** True when the head job has waited long enough that nothing may overtake it. */
export function isReserved(head: HeadWait, now: number): boolean {
  return now - head.since >= RESERVE_AFTER_MS || head.overtaken >= RESERVE_AFTER_OVERTAKES;
}

/** Jobs handed over at most at once to an executor that schedules itself (Slurm): QueueManager keeps the rest. */
export const MAX_IN_FLIGHT = 500;

/**
 * An executor that queues and places jobs itself (Slurm) gets every queued job, in
 * QueueManager's order, each asking for its own nb_proc (MaxNbProcessors and launch_type
 * are for this machine), while fewer than `maxInFlight` are handed over.
 */
export function handOverStarts(queue: QueuedJob[], inFlight: number, maxInFlight = MAX_IN_FLIGHT): ScheduleDecision["starts"] {
  return [...queue].sort(compareQueued).slice(0, Math.max(0, maxInFlight - inFlight)).map((job) => ({ id: job.id, granted: Math.max(1, job.nbProc) }));
}
