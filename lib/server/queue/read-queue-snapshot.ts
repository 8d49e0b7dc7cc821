/**
 * The queue as the start estimate reads it (lib/core/queue-snapshot.ts): running jobs,
 * the first waiting jobs in the worker's order with their dependencies, the arrays'
 * limits, fair-share use, the pause, QM_FOLDER's free space against Min_Free_MB, the
 * worker's GPUs, executor and wait for a uid (its heartbeat), and typical run times (the mean of an array's done
 * elements, else of its running elements' lengths as their progress tells them, else the
 * median of the last 50 done jobs) for jobs with neither progress nor walltime. A handful of indexed reads through the job store's SQL layer.
 */
import type { DependencyKind } from "../../core/dependencies";
import type { JobState } from "../../core/job-lifecycle";
import { estimateRemainingMs } from "../../core/job-times";
import type { QmConfig } from "../../core/qm-config";
import type { DiskLow, EstimateInput, RunningForEstimate, WaitingForEstimate } from "../../core/queue-snapshot";
import { grantedProcessors } from "../../core/schedule";
import { diskStatus } from "../disk-space";
import type { JobStore } from "../store/job-store";
import { ACTIVE, WAITING, ownerKeySql } from "../store/queue-sql";
import { readWorkerSetup } from "../store/worker-status";
import { fairShareUsage } from "./fair-share-usage";
import { toDate } from "../store/sql";

/** Waiting jobs the estimate looks at, in the worker's order; later ones get no estimate. */
export const ESTIMATE_WINDOW = 500;
const TYPICAL_SAMPLE = 50;

const list = (n: number) => Array(n).fill("?").join(", ");
const ms = (v: unknown) => toDate(v)?.getTime() ?? null;
const median = (xs: number[]) => (xs.length ? [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)] : null);

interface Row {
  id: number;
  nbProc: number;
  nbGpu: number;
  priority: number;
  submittedAt: unknown;
  startedAt: unknown;
  progress: number | null;
  walltimeSeconds: number | null;
  arrayId: number | null;
  state: JobState;
  ownerKey: string;
}

/** Typical run time (ms) of done jobs: per array, and overall. */
async function typicalRunTimes(store: JobStore, arrayIds: number[]): Promise<{ perArray: Map<number, number>; overall: number | null }> {
  const runs = (rows: { startedAt: unknown; finishedAt: unknown }[]) => rows.map((r) => (ms(r.finishedAt) ?? 0) - (ms(r.startedAt) ?? 0)).filter((d) => d > 0);
  const recent = await store.sql.all<{ startedAt: unknown; finishedAt: unknown }>(
    `SELECT "startedAt", "finishedAt" FROM "Job" WHERE "state" = 'done' AND "startedAt" IS NOT NULL ORDER BY "finishedAt" DESC LIMIT ${TYPICAL_SAMPLE}`,
  );
  const perArray = new Map<number, number>();
  if (arrayIds.length) {
    const rows = await store.sql.all<{ arrayId: number; startedAt: unknown; finishedAt: unknown }>(
      `SELECT "arrayId", "startedAt", "finishedAt" FROM "Job" WHERE "arrayId" IN (${list(arrayIds.length)}) AND "state" = 'done'`,
      arrayIds,
    );
    for (const id of arrayIds) {
      const durations = runs(rows.filter((r) => Number(r.arrayId) === id));
      if (durations.length) perArray.set(id, durations.reduce((a, b) => a + b, 0) / durations.length);
    }
  }
  return { perArray, overall: median(runs(recent)) };
}

/**
 * An array none of whose elements is done yet: its running elements' progress says how
 * long one takes (elapsed + what the progress leaves), a better guess for its waiting
 * elements than the median of unrelated jobs (a sweep's first batch running, the rest
 * waiting behind `%N`, was told it would start seconds after the first batch ended).
 */
function projectRunningElements(perArray: Map<number, number>, running: Row[], nowMs: number): void {
  const projected = new Map<number, number[]>();
  for (const r of running) {
    if (r.arrayId === null || perArray.has(Number(r.arrayId))) continue;
    const elapsed = nowMs - (ms(r.startedAt) ?? nowMs);
    const left = estimateRemainingMs(elapsed, r.progress);
    if (left !== null) projected.set(Number(r.arrayId), [...(projected.get(Number(r.arrayId)) ?? []), elapsed + left]);
  }
  for (const [id, runs] of projected) perArray.set(id, runs.reduce((a, b) => a + b, 0) / runs.length);
}

/**
 * The worker's disk guard reads the same statfs (worker/disk-guard.ts): below Min_Free_MB (or Min_Free_Inodes) it
 * starts nothing. A disk that cannot be read does not stop the worker, so it holds nothing here.
 */
function diskLowOf(qmFolder: string, config: QmConfig): DiskLow | null {
  const disk = diskStatus(qmFolder, config);
  if (!disk?.low) return null;
  return disk.lowBytes ? { freeBytes: disk.freeBytes, minFreeBytes: disk.minFreeBytes } : { freeBytes: disk.freeBytes, minFreeBytes: disk.minFreeBytes, inodes: { free: disk.freeInodes ?? 0, minFree: disk.minFreeInodes } };
}

/** The queue now; `qmFolder`: QM_FOLDER, whose disk may hold every start. */
export async function readQueueSnapshot(store: JobStore, config: QmConfig, qmFolder: string, nowMs = Date.now()): Promise<EstimateInput & { truncated: boolean }> {
  const columns = `j."id", j."nbProc", j."nbGpu", j."priority", j."submittedAt", j."startedAt", j."progress", j."walltimeSeconds", j."arrayId", j."state", ${ownerKeySql("j")} AS "ownerKey"`;
  const [running, waiting] = await Promise.all([
    store.sql.all<Row>(`SELECT ${columns} FROM "Job" j WHERE j."state" IN ${ACTIVE}`),
    store.sql.all<Row>(`SELECT ${columns} FROM "Job" j WHERE j."state" IN ${WAITING} ORDER BY j."priority" DESC, j."submittedAt" ASC, j."id" ASC LIMIT ${ESTIMATE_WINDOW + 1}`),
  ]);
  const truncated = waiting.length > ESTIMATE_WINDOW;
  if (truncated) waiting.pop();
  const waitingIds = waiting.map((r) => Number(r.id));
  const deps = waitingIds.length
    ? await store.sql.all<{ jobId: number; parentId: number; kind: DependencyKind }>(`SELECT "jobId", "parentId", "kind" FROM "JobDependency" WHERE "jobId" IN (${list(waitingIds.length)})`, waitingIds)
    : [];
  const depsOf = new Map<number, WaitingForEstimate["dependsOn"]>();
  for (const d of deps) depsOf.set(Number(d.jobId), [...(depsOf.get(Number(d.jobId)) ?? []), { parentId: Number(d.parentId), kind: d.kind }]);
  const known = new Set([...running, ...waiting].map((r) => Number(r.id)));
  const parentStates = await store.statesOf([...new Set(deps.map((d) => Number(d.parentId)).filter((id) => !known.has(id)))]);
  const arrayIds = [...new Set([...running, ...waiting].flatMap((r) => (r.arrayId === null ? [] : [Number(r.arrayId)])))];
  const limits = arrayIds.length
    ? await store.sql.all<{ id: number; maxRunning: number }>(`SELECT "id", "maxRunning" FROM "JobArray" WHERE "maxRunning" IS NOT NULL AND "id" IN (${list(arrayIds.length)})`, arrayIds)
    : [];
  const typical = await typicalRunTimes(store, arrayIds);
  projectRunningElements(typical.perArray, running, nowMs);
  const typicalOf = (r: Row) => (r.arrayId !== null ? typical.perArray.get(Number(r.arrayId)) : undefined) ?? typical.overall;
  const usage = await fairShareUsage(store, config, nowMs);

  const toRunning = (r: Row): RunningForEstimate => ({
    id: Number(r.id), granted: grantedProcessors(Number(r.nbProc), config.maxNbProcessors), gpus: Number(r.nbGpu), startedAtMs: ms(r.startedAt) ?? nowMs, progress: r.progress,
    walltimeSeconds: r.walltimeSeconds, arrayId: r.arrayId === null ? null : Number(r.arrayId), typicalMs: typicalOf(r),
    typicalFrom: r.arrayId !== null && typical.perArray.has(Number(r.arrayId)) ? "array" : "recent",
  });
  const toWaiting = (r: Row): WaitingForEstimate => ({
    id: Number(r.id), nbProc: Number(r.nbProc), nbGpu: Number(r.nbGpu), priority: Number(r.priority), submittedAt: toDate(r.submittedAt)!, state: r.state as "queued" | "held",
    walltimeSeconds: r.walltimeSeconds, arrayId: r.arrayId === null ? null : Number(r.arrayId), ownerKey: r.ownerKey, typicalMs: typicalOf(r),
    dependsOn: depsOf.get(Number(r.id)) ?? [],
  });
  const worker = await readWorkerSetup(store.sql, nowMs);
  return {
    nowMs, running: running.map(toRunning), waiting: waiting.map(toWaiting), parentStates, maxNbProcessors: config.maxNbProcessors, launchType: config.launchType,
    workerGpus: worker.gpus, handsOver: worker.handsOver, workerDown: worker.down, startWait: worker.startWait, headWait: worker.headWait,
    arrayLimits: new Map(limits.map((l) => [Number(l.id), Number(l.maxRunning)])), usage, paused: (await store.readPause()) !== null,
    diskLow: diskLowOf(qmFolder, config), truncated,
  };
}
