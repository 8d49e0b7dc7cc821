import fs from "node:fs";
import path from "node:path";
import { AppError, isAppError } from "../../core/app-error";
import { requeueRefusal } from "../../core/dependencies";
import { isFinishedState, planTransition } from "../../core/job-lifecycle";
import { setAsideErrorNote, splitStamp } from "../error-note";
import type { JobFolderOptions } from "../job-folder";
import { type QmLayout, assertQmFolders, isEnoent, resolveInside } from "../qm-folders";
import { jobColumns, readJobFolder } from "../read-job-folder";
import { wakeWorker } from "../wake-worker";
import type { JobStore } from "../store/job-store";
import { brokenParent } from "./broken-parent";
import { placeInQueue } from "./place-in-queue";

/**
 * Why job `id`, put back in the queue, would be cancelled again at once: it waits
 * (after_ok) for a job that ended other than done or was deleted. Null when nothing stops it.
 */
export async function whyRequeueWouldBeCancelled(store: JobStore, id: number): Promise<string | null> {
  const [broken] = await store.brokenEdgesOf(id);
  return broken ? requeueRefusal(id, await brokenParent(store, broken.parentId, broken.parentState)) : null;
}

/**
 * Why a requeue of this finished job is sure to be refused as things are now, or null: its
 * folder is gone (removed by retention, or by hand), or it would be cancelled again at once.
 * requeueJob throws it; the job page and qm show say it beforehand (GET /api/jobs/:id
 * `refused`), so that they do not offer a requeue the server will refuse.
 */
export async function requeueObstacle(store: JobStore, layout: QmLayout, job: { id: number; folder: string; purgedAt: Date | null }): Promise<AppError | null> {
  const { id } = job;
  if (job.purgedAt) return new AppError("CONFLICT", `Job ${id}'s folder was removed by the retention pass (Keep_Days, Keep_Max_GB); it cannot be requeued.`);
  const blocked = await whyRequeueWouldBeCancelled(store, id);
  if (blocked) return new AppError("INVALID_STATE", blocked);
  const source = resolveInside(layout.root, job.folder);
  if (!source || !fs.existsSync(source)) return new AppError("CONFLICT", `Job ${id}'s folder (${job.folder}) is not there any more; it cannot be requeued.`);
  return null;
}

/**
 * Put a finished job back in the queue (docs/protocol.md): its folder is read again as
 * the worker reads a new one (the info file, or #QM lines, may have been fixed since: an
 * invalid job becomes runnable), then the row is claimed (a guarded `requeue`: it becomes
 * `queued` with its run results cleared and kept in the `requeued` event), then its folder
 * moves back to QM_qJobs under a free name, its stale qm-error.txt set aside. A job whose
 * after_ok parent failed is refused: the worker would cancel it again at once. Whoever wins
 * the row moves the folder, so a racing delete or second requeue is told CONFLICT.
 */
export async function requeueJob(store: JobStore, layout: QmLayout, id: number, by: string, folderRule: JobFolderOptions, priorityLimit: number | null): Promise<{ folder: string }> {
  const job = await store.getJob(id);
  if (!job || job.state === "deleted") throw new AppError("NOT_FOUND", `There is no job ${id}.`);
  if (!isFinishedState(job.state)) throw new AppError("INVALID_STATE", `Job ${id} is ${job.state}; only a finished job (done, failed, killed, lost, invalid...) can be requeued.`);
  const obstacle = await requeueObstacle(store, layout, job);
  if (obstacle) throw obstacle;
  assertQmFolders(layout); // before the row is claimed: a damaged QM_qJobs would strand the job
  const source = resolveInside(layout.root, job.folder)!; // requeueObstacle found it there

  let columns: ReturnType<typeof jobColumns>;
  try {
    columns = jobColumns(readJobFolder(source, folderRule), priorityLimit);
  } catch (error) {
    if (isAppError(error)) throw new AppError("INVALID_INPUT", `Job ${id} cannot run as it is: ${error.message}. Fix its folder (${job.folder}), then requeue it.`);
    if (isEnoent(error)) throw new AppError("CONFLICT", `Job ${id} changed meanwhile (deleted or requeued by someone else); reload and try again.`);
    throw error;
  }
  const previous = { state: job.state, folder: job.folder, exitCode: job.exitCode, signal: job.signal, error: job.error, startedAt: job.startedAt, finishedAt: job.finishedAt };
  let claimed = false;
  try {
    const placed = await placeInQueue(store, layout, source, job.name, {
      claim: async (folder) => {
        const plan = planTransition("requeue", job.state, "queued", { ...columns, folder, submittedAt: new Date() }, JSON.stringify({ by, previous }));
        if (!(await store.transition(id, plan, { state: job.state, folder: job.folder, unpurged: true }))) {
          throw new AppError("CONFLICT", `Job ${id} changed meanwhile (deleted or requeued by someone else); reload and try again.`);
        }
        // The row is ours: the note of the rejection is not current any more.
        const stamped = splitStamp(path.basename(source));
        if (stamped) setAsideErrorNote(source, stamped.stamp);
        claimed = true;
        return id;
      },
      // The row is ours but the folder could not follow: say so on the job; the worker
      // records it lost when its folder stays missing.
      release: (_id, _folder, error) => store.addEvent(id, "requeue-failed", (error as Error).message),
    });
    await wakeWorker(store.sql, layout);
    return { folder: placed.folder };
  } catch (error) {
    if (!claimed || isAppError(error)) throw error;
    throw new AppError("CONFLICT", `Job ${id}'s folder could not be moved back to QM_qJobs (${isEnoent(error) ? "it disappeared" : ((error as NodeJS.ErrnoException).code ?? "error")}).`);
  }
}
