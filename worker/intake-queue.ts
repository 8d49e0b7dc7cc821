/**
 * A quiet folder dropped into QM_qJobs, with a valid info file, enters the queue as its
 * queue keys say (lib/core/queue-options.ts): queued, held, waiting for other jobs, or as
 * an array. An array's folder is first moved aside into `.qm/staging/`, then expanded
 * exactly as an uploaded array is (lib/server/jobs/queue-array.ts).
 */
import { randomUUID } from "node:crypto";
import fs from "node:fs";
import path from "node:path";
import { isAppError } from "../lib/core/app-error";
import type { JobInfo } from "../lib/core/job-info";
import { planTransition } from "../lib/core/job-lifecycle";
import { queueArray } from "../lib/server/jobs/queue-array";
import { newJobRow, submitState } from "../lib/server/jobs/queue-entry";
import { resolveQueueOptions } from "../lib/server/jobs/resolve-queue-options";
import { relFolder } from "../lib/server/qm-folders";
import type { WorkerContext } from "./context";
import { rejectFolder } from "./reject";

const DETAIL = "folder dropped into QM_qJobs";

/** Queue QM_qJobs/<name>; an AppError (bad queue keys) is for the caller to reject. */
export async function queueDroppedFolder(ctx: Pick<WorkerContext, "store" | "layout" | "config" | "log">, name: string, info: JobInfo): Promise<void> {
  const jobFile = ctx.config().jobFile;
  const options = await resolveQueueOptions(ctx.store, jobFile, info.params);
  if (!options.array) {
    const row = newJobRow(info, options, { name, folder: relFolder("queued", name), source: "folder" });
    await ctx.store.createJob(row, planTransition("submit", null, submitState(options), {}, DETAIL));
    return;
  }
  const staging = path.join(ctx.layout.staging, randomUUID());
  fs.mkdirSync(staging, { recursive: true });
  const dir = path.join(staging, name);
  try {
    fs.renameSync(path.join(ctx.layout.queued, name), dir);
    const queued = await queueArray({ store: ctx.store, layout: ctx.layout, jobFile }, { dir, name, source: "folder", detail: DETAIL }, info, options);
    ctx.log(`QM_qJobs/${name}: array ${queued.array!.id} of ${queued.array!.jobIds.length} jobs (array = ${options.array.spec})`);
  } catch (error) {
    if (!isAppError(error) || !fs.existsSync(dir)) throw error;
    await rejectFolder(ctx, name, error.message, ["Correct the array key (or free some disk space) as the message says."], dir);
  } finally {
    fs.rmSync(staging, { recursive: true, force: true });
  }
}
