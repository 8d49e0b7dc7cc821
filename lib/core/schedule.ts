/**
 * Which queued jobs start now: a pure decision, so every rule is unit-tested.
 *
 * - `blocking`: one job at a time, strictly in queue order.
 * - `non-blocking`: jobs start while the processors granted to running jobs, each
 *   min(nb_proc, MaxNbProcessors), stay within MaxNbProcessors.
 * - Order: higher priority first, then oldest submittedAt, then lowest id.
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
}

export interface ScheduleDecision {
  starts: { id: number; granted: number }[];
  head?: HeadWait;
}

export const RESERVE_AFTER_MS = 30_000;
export const RESERVE_AFTER_OVERTAKES = 5;

/** Processors a job gets: nb_proc clamped to 1..MaxNbProcessors. */
export function grantedProcessors(nbProc: number, maxNbProcessors: number): number {
  return Math.max(1, Math.min(nbProc, maxNbProcessors));
}

export function compareQueued(a: QueuedJob, b: QueuedJob): number {
  return b.priority - a.priority || a.submittedAt.getTime() - b.submittedAt.getTime() || a.id - b.id;
}

export function decideStarts(input: ScheduleInput): ScheduleDecision {
  const queue = [...input.queue].sort(compareQueued);
  const max = input.maxNbProcessors;
  const starts: ScheduleDecision["starts"] = [];
  if (input.launchType === "blocking") {
    if (input.running.length === 0 && queue.length) starts.push({ id: queue[0].id, granted: grantedProcessors(queue[0].nbProc, max) });
    return { starts };
  }
  let free = max - input.running.reduce((sum, g) => sum + g, 0);
  let head: HeadWait | undefined;
  for (const job of queue) {
    const granted = grantedProcessors(job.nbProc, max);
    if (granted <= free) {
      starts.push({ id: job.id, granted });
      free -= granted;
      if (head) head.overtaken += 1;
      continue;
    }
    if (head) continue;
    head = input.head?.jobId === job.id ? { ...input.head } : { jobId: job.id, since: input.now, overtaken: 0 };
    if (isReserved(head, input.now)) break;
  }
  return { starts, head };
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
