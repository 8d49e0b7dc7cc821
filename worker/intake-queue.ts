/**
 * A quiet folder dropped into QM_qJobs, read and valid, enters the queue as its queue keys
 * say (lib/core/queue-options.ts): queued, held, waiting for other jobs, or as an array.
 * An array's folder is first moved aside into `.qm/staging/`, then expanded exactly as an
 * uploaded array is (lib/server/jobs/queue-array.ts). Bad queue keys reject the folder to
 * QM_lost+found with the reason, as any invalid job.
 */
import { randomUUID } from "node:crypto";
import fs from "node:fs";
import path from "node:path";
import { isAppError } from "../lib/core/app-error";
import { planTransition } from "../lib/core/job-lifecycle";
import { namesOtherJobsOrExpands } from "../lib/core/queue-options";
import { queueArray } from "../lib/server/jobs/queue-array";
import { queueColumns, submitState } from "../lib/server/jobs/queue-entry";
import { type ResolvedQueueOptions, resolveQueueOptions } from "../lib/server/jobs/resolve-queue-options";
import { relFolder } from "../lib/server/qm-folders";
import { type FolderJob, jobColumns } from "../lib/server/read-job-folder";
import type { Log } from "../lib/server/logger";
import type { JobStore, NewJobRow } from "../lib/server/store/job-store";
import type { WorkerContext } from "./context";
import { type RejectedOwner, rejectFolder } from "./reject";

type IntakeContext = Pick<WorkerContext, "store" | "layout" | "config" | "log"> & {
  /**
   * Rows that wait for other jobs were created: the dispatcher looks for broken waits on its
   * next pass (a parent may have failed already; an upload wakes the worker for that).
   */
  waitsQueued(): void;
};

const DETAIL = "folder dropped into QM_qJobs";
const FIX_KEYS = ["Correct the queue keys (hold, after_ok, after_any, array) as the message says, or free some disk space for an array's copies."];

/**
 * The rows of folders taken in together, created in one transaction (a burst of drops
 * costs one commit, not one each). Nothing is lost if the worker dies first: the folders
 * are still in QM_qJobs without rows, and the next start takes them in.
 */
export interface DropBatch {
  add(row: NewJobRow): void;
  /** How many rows wait to be created. */
  readonly size: number;
  /** The folders of the rows added and not created yet. */
  folders(): string[];
  /** Create the rows added so far (none: nothing to do). */
  flush(): Promise<void>;
}

/** The line each dropped folder leaves when it enters the queue (admin.md: the worker logs the jobs it takes in). */
function logTakenIn(log: Log, id: number, row: NewJobRow): void {
  log(`taken in: ${row.job.folder}${row.plan.to === "queued" ? "" : ` (${row.plan.to})`}`, { job: id });
}

export function createDropBatch(store: JobStore, log: Log, waitsQueued: () => void): DropBatch {
  let rows: NewJobRow[] = [];
  return {
    add: (row) => void rows.push(row),
    get size() {
      return rows.length;
    },
    folders: () => rows.map((r) => r.job.folder),
    async flush() {
      const taken = rows;
      rows = [];
      if (!taken.length) return;
      const ids = await store.createJobs(taken);
      ids.forEach((id, i) => logTakenIn(log, id, taken[i]));
      if (taken.some((row) => row.job.dependsOn?.length)) waitsQueued();
    },
  };
}

/**
 * Queue QM_qJobs/<name>, or reject it with the reason. A plain job's row goes into
 * `batch` when given (true is returned: the batch's commit wakes the dispatcher), else is
 * created now; an array is expanded at once. `arrivedAt`: when the folder was seen to
 * arrive, its submission time (the queue's first-come order), else now.
 */
export async function queueDroppedFolder(ctx: IntakeContext, name: string, read: FolderJob, batch?: DropBatch, arrivedAt?: Date): Promise<boolean> {
  const params = read.info.params;
  // A folder refused for its queue keys stays its owner's, who may fix and requeue it.
  const known = { owner: read.info.owner ?? null, info: read.info.info ?? null };
  // One that waits for other jobs or is an array goes after the rows batched before it:
  // they may be the jobs it names, and ids keep the order the folders were taken in.
  if (batch && namesOtherJobsOrExpands(params)) await batch.flush();
  let options: ResolvedQueueOptions;
  try {
    options = await resolveQueueOptions(ctx.store, read.description.file, params);
  } catch (error) {
    if (!isAppError(error)) throw error;
    await rejectFolder(ctx, name, error.message, FIX_KEYS, name, undefined, known);
    return false;
  }
  if (options.array) {
    await queueDroppedArray(ctx, name, options, known);
    if (options.dependsOn.length) ctx.waitsQueued();
    return false;
  }
  // Dropped by whoever may write to QM_qJobs: not an administrator's say.
  const job = { name, ...jobColumns(read, ctx.config().maxUserPriority), ...queueColumns(options), folder: relFolder("queued", name), source: "folder" as const, ...(arrivedAt ? { submittedAt: arrivedAt } : {}) };
  const plan = planTransition("submit", null, submitState(options), {}, DETAIL);
  if (batch) {
    batch.add({ job, plan });
    return true;
  }
  logTakenIn(ctx.log, await ctx.store.createJob(job, plan), { job, plan });
  if (options.dependsOn.length) ctx.waitsQueued();
  return false;
}

async function queueDroppedArray(ctx: IntakeContext, name: string, options: ResolvedQueueOptions, known: RejectedOwner): Promise<void> {
  const config = ctx.config();
  const staging = path.join(ctx.layout.staging, randomUUID());
  fs.mkdirSync(staging, { recursive: true });
  const dir = path.join(staging, name);
  try {
    fs.renameSync(path.join(ctx.layout.queued, name), dir);
    const deps = { store: ctx.store, layout: ctx.layout, folderRule: { jobFile: config.jobFile, strict: config.strictJobFile }, diskRule: config };
    const queued = await queueArray(deps, { dir, name, source: "folder", priorityLimit: config.maxUserPriority, detail: DETAIL }, options);
    ctx.log(`QM_qJobs/${name}: array ${queued.array!.id} of ${queued.array!.jobIds.length} jobs (array = ${options.array!.spec})`);
  } catch (error) {
    if (!isAppError(error) || !fs.existsSync(dir)) throw error;
    await rejectFolder(ctx, name, error.message, FIX_KEYS, name, dir, known);
  } finally {
    fs.rmSync(staging, { recursive: true, force: true });
  }
}
