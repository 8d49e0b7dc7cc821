/**
 * When will a queued job start? A simulation of the worker's own rule (decideStarts in
 * lib/core/schedule.ts: order, processors and GPUs, reservation, `%N` limits, fair share) over
 * time: running jobs end when their progress says (or their walltime, or the typical
 * run time of jobs like them), then the queue ahead starts and ends the same way.
 * Dependencies are followed (a parent is assumed to succeed). Pure: the dashboard, the
 * job page, the API and the benchmark all call this one function.
 */
import { dependenciesStatus } from "./dependencies";
import type { JobState } from "./job-lifecycle";
import { type EstimateInput, type StartEstimate, type WaitingForEstimate, remainingOf } from "./queue-snapshot";
import { type ArrayLoad, type HeadWait, decideStarts } from "./schedule";
import { type WaitContext, aboutToStart, waitReason } from "./wait-reason";

export type { EstimateInput, StartEstimate } from "./queue-snapshot";

const durationOf = (job: WaitingForEstimate) => (job.walltimeSeconds ? job.walltimeSeconds * 1000 : job.typicalMs);

interface Active {
  id: number;
  granted: number;
  gpus: number;
  arrayId: number | null;
  endMs: number;
}

export function estimateStarts(input: EstimateInput): Map<number, StartEstimate> {
  const { nowMs } = input;
  const active: Active[] = input.running.map((j) => ({ id: j.id, granted: j.granted, gpus: j.gpus, arrayId: j.arrayId, endMs: nowMs + (remainingOf(j, nowMs)?.ms ?? Infinity) }));
  const states = new Map<number, JobState>(input.parentStates);
  for (const j of input.running) states.set(j.id, "running");
  for (const j of input.waiting) states.set(j.id, j.state);
  const depsOf = (job: WaitingForEstimate) => dependenciesStatus(job.dependsOn.map((d) => ({ kind: d.kind, parentState: states.get(d.parentId) ?? "deleted" })));
  const loads = (): Map<number, ArrayLoad> => {
    const map = new Map<number, ArrayLoad>();
    for (const [id, maxRunning] of input.arrayLimits) map.set(id, { maxRunning, running: active.filter((a) => a.arrayId === id).length });
    return map;
  };
  // Why each job waits, as things stand now (before the simulation moves time on).
  const now: WaitContext = { ...input, stateOf: (id) => states.get(id) ?? "deleted" };
  const reasons = new Map(input.waiting.map((job) => [job.id, waitReason(job, now)]));
  const startAt = new Map<number, number>();

  // GPU jobs cannot be placed before a worker has said which GPUs it has.
  const placeable = (j: WaitingForEstimate) => input.workerGpus !== null || !j.nbGpu;
  // Paused, the disk below Min_Free_MB, no worker: nothing starts, so no start time can be told.
  // Handed to Slurm: when it runs is Slurm's decision, not this machine's processors.
  let pending = input.paused || input.diskLow || input.workerDown || input.handsOver ? [] : input.waiting.filter((j) => j.state === "queued" && depsOf(j) !== "broken" && placeable(j));
  // The worker's heartbeat says the job it would start now waits for a uid of Job_Uids, all
  // held by the runs of this moment (or swept of their files): one comes back as a run ends,
  // so no more runs than now are modelled at once. Held by none of them, when it comes back
  // cannot be told.
  const runCap = input.startWait ? input.running.length : Infinity;
  if (runCap === 0) pending = [];
  let t = nowMs;
  // Where the worker's own pass stands: a head that has waited its while already has its
  // processors reserved, and a job that would fit beside it now waits too.
  let head: HeadWait | undefined = input.headWait ?? undefined;
  for (let step = 0; pending.length && step < 20_000; step++) {
    const eligible = pending.filter((j) => depsOf(j) === "met");
    const decision = decideStarts({
      queue: eligible, running: active.map((a) => a.granted), maxNbProcessors: input.maxNbProcessors, launchType: input.launchType,
      now: t, head, arrays: loads(), usage: input.usage, gpus: { total: input.workerGpus?.length ?? 0, inUse: active.reduce((n, a) => n + a.gpus, 0) },
    });
    head = decision.head;
    for (const start of decision.starts.slice(0, Math.max(0, runCap - active.length))) {
      const job = eligible.find((j) => j.id === start.id)!;
      startAt.set(job.id, t);
      const duration = durationOf(job);
      active.push({ id: job.id, granted: start.granted, gpus: job.nbGpu ?? 0, arrayId: job.arrayId ?? null, endMs: duration === null ? Infinity : t + duration });
      states.set(job.id, "running");
    }
    pending = pending.filter((j) => !startAt.has(j.id));
    const next = Math.min(...active.map((a) => a.endMs));
    if (!pending.length || !Number.isFinite(next)) break;
    t = next;
    for (const ended of active.filter((a) => a.endMs <= t)) states.set(ended.id, "done");
    active.splice(0, active.length, ...active.filter((a) => a.endMs > t));
  }

  const result = new Map<number, StartEstimate>();
  for (const job of input.waiting) {
    const at = startAt.get(job.id) ?? null;
    // The worker's rule starts it now (backfill included): it is only between two passes.
    result.set(job.id, { startAtMs: at, reason: at === nowMs ? aboutToStart(input) : reasons.get(job.id)! });
  }
  return result;
}
