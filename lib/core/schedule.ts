/**
 * Which queued jobs start now: a pure decision, so every rule is unit-tested.
 *
 * - `blocking`: one job at a time, strictly in queue order.
 * - `non-blocking`: jobs start while the processors granted to running jobs, each
 *   min(nb_proc, MaxNbProcessors), stay within MaxNbProcessors, and the GPUs they hold
 *   (nb_gpu each, never clamped) within the worker's GPUs: a job starts only when both fit.
 * - A job asking for more GPUs than the worker has is never started nor made the head
 *   (the dispatcher cancels it, saying why): it must not hold a reservation forever.
 * - Order: higher priority first, then (fair share on) the owner who used the fewest
 *   CPU-seconds recently, then oldest submittedAt, then lowest id.
 * - Arrays with a `%N` limit: an element is skipped while N elements of its array run.
 * - Reservation with backfill: the first job in order that does not fit is the head.
 *   Smaller jobs behind it may start ("backfill") only while the head has waited less
 *   than RESERVE_AFTER_MS and been overtaken fewer than RESERVE_AFTER_OVERTAKES times;
 *   after that the head is reserved what it needs of each budget: later jobs may only use
 *   what it does not (with processors alone, nothing: it does not fit), so a head waiting
 *   for a GPU lets CPU-only jobs run on spare processors but no job take a freed GPU.
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
  /** GPUs asked for (nb_gpu); absent: none. */
  nbGpu?: number;
}

/** The worker's GPUs (GPU_List) and how many of them running jobs hold. */
export interface GpuBudget {
  total: number;
  inUse: number;
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
  /** GPUs; absent: the worker has none. */
  gpus?: GpuBudget;
}

export interface ScheduleDecision {
  starts: { id: number; granted: number }[];
  head?: HeadWait;
  /** Some element was skipped because its array is at its `%N` limit. */
  limited?: boolean;
  /**
   * No job later in the queue could change this decision: every processor is taken (or
   * reserved) and the head is known; `blocking`: a job runs or one was chosen. A decision
   * on the first few queued jobs that is settled is the decision on the whole queue
   * (so the dispatcher reads a short window first).
   */
  settled: boolean;
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
  const gpuTotal = input.gpus?.total ?? 0;
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
  const impossible = (job: QueuedJob) => (job.nbGpu ?? 0) > gpuTotal;
  let limited = false;
  if (input.launchType === "blocking") {
    const first = queue.find((job) => !atLimit(job) && !impossible(job));
    if (input.running.length === 0 && first) starts.push({ id: first.id, granted: grantedProcessors(first.nbProc, max) });
    return { starts, settled: input.running.length > 0 || first !== undefined };
  }
  let free = max - input.running.reduce((sum, g) => sum + g, 0);
  let freeGpus = gpuTotal - (input.gpus?.inUse ?? 0);
  let head: HeadWait | undefined;
  for (const job of queue) {
    if (impossible(job)) continue;
    if (atLimit(job)) {
      limited = true;
      continue;
    }
    const granted = grantedProcessors(job.nbProc, max);
    const gpus = job.nbGpu ?? 0;
    // A budget goes below zero when reserved for the head: a job that asks none of it still fits.
    if (granted <= free && (gpus === 0 || gpus <= freeGpus)) {
      starts.push({ id: job.id, granted });
      started(job);
      free -= granted;
      freeGpus -= gpus;
      if (head) head.overtaken += 1;
      continue;
    }
    if (head) continue;
    head = input.head?.jobId === job.id ? { ...input.head } : { jobId: job.id, since: input.now, overtaken: 0 };
    if (isReserved(head, input.now)) {
      free -= granted;
      freeGpus -= gpus;
      if (free < 1) break; // every job needs a processor: nothing else can start
    }
  }
  // Past here every job needs a processor (there is none) and could at most become the head.
  return { starts, head, limited, settled: free < 1 && head !== undefined };
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
 * are for this machine), while fewer than `maxInFlight` are handed over. An array's `%N`
 * limit is QueueManager's own (its elements are separate Slurm jobs): at most N of its
 * elements are handed over at a time (`arrays`: the limited arrays and how many of their
 * elements are in Slurm now).
 */
export function handOverStarts(
  queue: QueuedJob[],
  inFlight: number,
  opts: { arrays?: ReadonlyMap<number, ArrayLoad>; maxInFlight?: number } = {},
): ScheduleDecision["starts"] {
  const room = Math.max(0, (opts.maxInFlight ?? MAX_IN_FLIGHT) - inFlight);
  const loads = new Map([...(opts.arrays ?? [])].map(([id, load]) => [id, { ...load }]));
  const starts: ScheduleDecision["starts"] = [];
  for (const job of [...queue].sort(compareQueued)) {
    if (starts.length >= room) break;
    const load = job.arrayId == null ? undefined : loads.get(job.arrayId);
    if (load && load.running >= load.maxRunning) continue;
    if (load) load.running += 1;
    starts.push({ id: job.id, granted: Math.max(1, job.nbProc) });
  }
  return starts;
}
