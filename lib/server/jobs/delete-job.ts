import fs from "node:fs";
import path from "node:path";
import { AppError } from "../../core/app-error";
import { isActiveState, isWaitingState, planTransition } from "../../core/job-lifecycle";
import { type QmLayout, assertQmFolders, isEnoent, resolveInside } from "../qm-folders";
import { removeTree } from "../remove-tree";
import { wakeWorker } from "../wake-worker";
import type { JobStore } from "../store/job-store";
import { thumbnailFolder } from "./thumbnails";

/**
 * Delete a waiting or finished job (docs/protocol.md): the row is claimed first (a guarded
 * `delete`), so a job the worker is starting, or that someone requeues at the same moment,
 * is never half-deleted; then its folder is renamed into `.qm/trash/<id>` and removed.
 */
export async function deleteJob(store: JobStore, layout: QmLayout, id: number, by: string): Promise<void> {
  const job = await store.getJob(id);
  if (!job || job.state === "deleted") throw new AppError("NOT_FOUND", `There is no job ${id}.`);
  if (isActiveState(job.state)) throw new AppError("INVALID_STATE", `Job ${id} is ${job.state}; kill it first, then delete it.`);
  assertQmFolders(layout); // before the row is claimed: the folder goes through .qm/trash
  const source = resolveInside(layout.root, job.folder);
  // A waiting row whose folder is not there yet is a submit or requeue in progress (the row
  // is claimed before the folder moves): deleting now would let the folder arrive for a
  // deleted row, and be taken for a new drop.
  if (isWaitingState(job.state) && (!source || !fs.existsSync(source))) {
    throw new AppError("CONFLICT", `Job ${id}'s folder is still on its way into QM_qJobs (it was just submitted or requeued); try again in a moment.`);
  }
  const plan = planTransition("delete", job.state, "deleted", {}, `by ${by}`);
  if (!(await store.transition(id, plan, { state: job.state, folder: job.folder }))) {
    throw new AppError("CONFLICT", `Job ${id} changed meanwhile (it may have just started); reload and try again.`);
  }
  await fs.promises.rm(thumbnailFolder(layout, id), { recursive: true, force: true });
  // Jobs waiting for it with after_ok are cancelled by the worker at once, after_any ones may start.
  await wakeWorker(store.sql, layout);
  if (!source) return;
  const trash = path.join(layout.internal, "trash", String(id));
  await fs.promises.mkdir(path.dirname(trash), { recursive: true });
  await removeTree(trash);
  try {
    await fs.promises.rename(source, trash);
  } catch (error) {
    if (!isEnoent(error)) throw error;
    return; // Removed by hand already: only the row was left.
  }
  await removeTree(trash);
}
