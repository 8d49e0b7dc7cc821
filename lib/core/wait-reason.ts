/**
 * "Why is my job waiting?": the first thing that holds a queued job back right now, in
 * words for its owner, with the running job whose end should unblock it.
 * Checked in the order the worker applies its rules: held, no worker running, a disk below Min_Free_MB, paused,
 * dependencies, the array's `%N` limit, GPUs that do not exist, then the queue ahead, the
 * processors and GPUs.
 */
import { brokenReason, dependencyStatus } from "./dependencies";
import { formatBytes, formatDuration } from "./format";
import type { JobState } from "./job-lifecycle";
import { tooManyGpusReason } from "./gpu-sets";
import { MAX_IN_FLIGHT, compareQueued, grantedProcessors } from "./schedule";
import { type DiskLow, type EstimateInput, type RunningForEstimate, type WaitingForEstimate, remainingOf } from "./queue-snapshot";

/** What waitReason looks at: the estimate's input, with every job's state now. */
export interface WaitContext extends EstimateInput {
  stateOf: (id: number) => JobState;
}

/** The reason of a job the worker's rule would start now (it is between two passes). */
export const ABOUT_TO_START = "about to start: processors are free";

/** What a job the worker's rule would start now waits for: nothing, or a uid of Job_Uids as the worker's heartbeat says. */
export const aboutToStart = (ctx: Pick<EstimateInput, "startWait">): string => ctx.startWait || ABOUT_TO_START;

/** The worker stopped and none took its place: whatever else holds the job, nothing starts before one runs. */
export const WORKER_DOWN = "the worker is not running: nothing starts until the administrator starts it again (npm start, or the qm-worker service)";

/** The same with executor = slurm: the next pass hands it over; Slurm then decides when it runs. */
export const ABOUT_TO_HAND_OVER = "about to be handed to Slurm, which decides when it runs";

const plural = (n: number, word: string, many = `${word}s`) => `${n} ${n === 1 ? word : many}`;

/** "job 41 should end in ~4 min", or why that cannot be told. */
export function endPhrase(job: RunningForEstimate, nowMs: number): string {
  const left = remainingOf(job, nowMs);
  if (!left) return `job ${job.id} reports no progress and has no walltime, so its end cannot be told`;
  const typical = job.typicalFrom === "recent" ? " (judging by how long the last jobs took: it reports no progress and has no walltime)" : " (judging by its array's finished elements)";
  // Past the typical time already: the estimate keeps a tenth of it (remainingOf), which a
  // reader watching "~1 s" for minutes would take for a promise.
  if (left.basis === "typical" && job.typicalMs && nowMs - job.startedAtMs >= job.typicalMs) {
    const jobsLikeIt = job.typicalFrom === "recent" ? "the last jobs took" : "its array's finished elements took";
    return `job ${job.id} has run longer than ${jobsLikeIt} (~${formatDuration(job.typicalMs)}) and may end any time; it reports no progress and has no walltime, so when cannot be told`;
  }
  const basis = left.basis === "walltime" ? " (its walltime)" : left.basis === "typical" ? typical : "";
  return `job ${job.id} should end in ~${formatDuration(Math.max(left.ms, 1000))}${basis}`;
}

/** The running job whose end frees `cpus` processors and `gpus` GPUs (ends sorted by time; unknown last). */
function unblocker(ctx: WaitContext, cpus: number, gpus = 0): RunningForEstimate | undefined {
  const byEnd = [...ctx.running].sort((a, b) => (remainingOf(a, ctx.nowMs)?.ms ?? Infinity) - (remainingOf(b, ctx.nowMs)?.ms ?? Infinity));
  let freedCpus = 0;
  let freedGpus = 0;
  for (const job of byEnd) {
    freedCpus += job.granted;
    freedGpus += job.gpus;
    if (freedCpus >= cpus && freedGpus >= gpus) return job;
  }
  return byEnd.at(-1);
}

function dependencyReason(job: WaitingForEstimate, ctx: WaitContext): string | null {
  const deps = job.dependsOn.map((d) => ({ ...d, state: ctx.stateOf(d.parentId) }));
  const broken = deps.find((d) => dependencyStatus(d.kind, d.state) === "broken");
  if (broken) return `it will be cancelled: ${brokenReason({ id: broken.parentId, state: broken.state })}`;
  const waiting = deps.filter((d) => dependencyStatus(d.kind, d.state) === "waiting");
  if (!waiting.length) return null;
  const names = waiting.slice(0, 5).map((d) => `job ${d.parentId}`).join(", ") + (waiting.length > 5 ? ` and ${waiting.length - 5} more` : "");
  const how = waiting.every((d) => d.kind === "after_any") ? "to end (after_any)" : "to finish successfully (after_ok)";
  // The parent that holds it longest: the running one that ends last, unless some have not
  // started yet (then their number: the first parent's end said nothing of them, and read
  // as "starts in ~15 s" beside an expected start a minute away).
  const runningParents = ctx.running.filter((r) => waiting.some((d) => d.parentId === r.id));
  const notStarted = waiting.length - runningParents.length;
  const last = runningParents.sort((a, b) => (remainingOf(b, ctx.nowMs)?.ms ?? Infinity) - (remainingOf(a, ctx.nowMs)?.ms ?? Infinity))[0];
  // A held parent holds it until someone releases it: no end to tell, only what to do.
  const held = waiting.filter((d) => d.state === "held");
  const then = held.length
    ? `; ${held.length === 1 ? `job ${held[0].parentId} is held` : `${held.length} of them are held`}, so it waits until ${held.length === 1 ? "that job is" : "they are"} released`
    : notStarted && runningParents.length ? `; ${plural(notStarted, "of them has", "of them have")} not started yet` : last ? `; ${endPhrase(last, ctx.nowMs)}` : "";
  return `waiting for ${names} ${how}${then}`;
}

function arrayLimitReason(job: WaitingForEstimate, ctx: WaitContext): string | null {
  const limit = job.arrayId == null ? undefined : ctx.arrayLimits.get(job.arrayId);
  if (limit === undefined) return null;
  const running = ctx.running.filter((r) => r.arrayId === job.arrayId);
  if (running.length < limit) return null;
  return `its array runs at most ${plural(limit, "element")} at a time (%${limit}) and ${running.length} ${running.length === 1 ? "is" : "are"} running; ${endPhrase(unblocker({ ...ctx, running }, 1)!, ctx.nowMs)}`;
}

/** The worker's disk guard (worker/disk-guard.ts) in the banner's words: nothing starts until space is freed. */
export function diskLowReason(disk: DiskLow): string {
  if (disk.inodes) {
    const n = (v: number) => v.toLocaleString("en-US");
    return `QM_FOLDER's disk has ${n(disk.inodes.free)} free inodes (files) left, fewer than the ${n(disk.inodes.minFree)} it must keep (Min_Free_Inodes): nothing starts until files are removed`;
  }
  return `QM_FOLDER's disk has ${formatBytes(disk.freeBytes)} free, less than the ${formatBytes(disk.minFreeBytes)} it must keep (Min_Free_MB): nothing starts until space is freed`;
}

/** executor = slurm: this machine's processors and GPUs do not hold it; only the bound on jobs in Slurm may. */
function handOverReason(ctx: WaitContext): string {
  const inSlurm = ctx.running.length;
  if (inSlurm < MAX_IN_FLIGHT) return ABOUT_TO_HAND_OVER;
  return `QueueManager hands at most ${MAX_IN_FLIGHT} jobs to Slurm at a time and ${inSlurm} are there; it is handed over as they end`;
}

export function waitReason(job: WaitingForEstimate, ctx: WaitContext): string {
  if (job.state === "held") return "held: it keeps its place in the queue but starts only once released";
  if (ctx.workerDown) return WORKER_DOWN;
  // The worker looks at the disk before the pause (worker/dispatcher.ts): the first that holds is the reason.
  if (ctx.diskLow) return diskLowReason(ctx.diskLow);
  if (ctx.paused) return "the queue is paused: nothing starts until the administrator resumes it";
  const early = dependencyReason(job, ctx) ?? arrayLimitReason(job, ctx);
  if (early) return early;
  if (ctx.handsOver) return handOverReason(ctx);
  const needGpus = job.nbGpu ?? 0;
  if (needGpus && ctx.workerGpus === null) return "no worker has said yet which GPUs it hands out: the job waits for one that has enough";
  const workerGpus = ctx.workerGpus ?? [];
  const impossible = tooManyGpusReason(needGpus, workerGpus);
  if (impossible) return `it will be cancelled: ${impossible}`;

  const max = ctx.maxNbProcessors;
  const need = grantedProcessors(job.nbProc, max);
  const free = Math.max(0, max - ctx.running.reduce((sum, r) => sum + r.granted, 0));
  const freeGpus = Math.max(0, workerGpus.length - ctx.running.reduce((sum, r) => sum + r.gpus, 0));
  const gpusShort = needGpus > freeGpus;
  const eligible = (o: WaitingForEstimate) =>
    o.state === "queued" && o.dependsOn.every((d) => dependencyStatus(d.kind, ctx.stateOf(d.parentId)) === "met") && arrayLimitReason(o, ctx) === null;
  const ahead = ctx.waiting.filter((o) => o.id !== job.id && eligible(o) && compareQueued(o, job, ctx.usage) < 0);
  const next = (cpus: number) => {
    const j = unblocker(ctx, cpus, needGpus - freeGpus);
    return j ? `; ${endPhrase(j, ctx.nowMs)}` : "";
  };
  const gpuWait = `${plural(needGpus, "GPU")} (${freeGpus} free of ${workerGpus.length})`;
  if (ctx.launchType === "blocking" && ctx.running.length) {
    return `one job at a time (launch_type = blocking)${ahead.length ? `, ${plural(ahead.length, "job")} ahead of it` : ""}${next(1)}`;
  }
  if (!ahead.length) {
    if (need <= free && !gpusShort) return aboutToStart(ctx);
    const waits = [...(need > free ? [`${plural(need, "processor")} (${free} free of ${max})`] : []), ...(gpusShort ? [gpuWait] : [])];
    return `waiting for ${waits.join(" and ")}${next(need - free)}`;
  }
  const fair =
    ctx.usage && ahead.some((o) => o.priority === job.priority && (ctx.usage!.get(o.ownerKey ?? "") ?? 0) < (ctx.usage!.get(job.ownerKey ?? "") ?? 0))
      ? " (fair share: owners who used less CPU recently go first)"
      : "";
  const needs = [...(need > free ? [`${plural(need, "processor")}, ${free} free`] : []), ...(gpusShort ? [`${plural(needGpus, "GPU")}, ${freeGpus} free`] : [])];
  return `${plural(ahead.length, "job")} ahead of it in the queue${fair}${needs.length ? `; it needs ${needs.join(" and ")}` : ""}${next(Math.max(1, need - free))}`;
}
