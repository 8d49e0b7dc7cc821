import fs from "node:fs";
import { AppError } from "../../core/app-error";
import { isFinishedState, planTransition } from "../../core/job-lifecycle";
import { type QmLayout, assertQmFolders, freeName, isEnoent, moveFolder, relFolder, resolveInside } from "../qm-folders";
import { wakeWorker } from "../wake-worker";
import type { JobStore } from "../store/job-store";

/**
 * Put a finished job back in the queue (docs/protocol.md): the row is claimed first (a
 * guarded `requeue`: it becomes `queued` with its run results cleared and kept in the
 * `requeued` event), then its folder moves back to QM_qJobs under a free name. Whoever
 * wins the row moves the folder, so a racing delete or second requeue is told CONFLICT.
 */
export async function requeueJob(store: JobStore, layout: QmLayout, id: number, by: string): Promise<{ folder: string }> {
  const job = await store.getJob(id);
  if (!job || job.state === "deleted") throw new AppError("NOT_FOUND", `There is no job ${id}.`);
  if (!isFinishedState(job.state)) throw new AppError("INVALID_STATE", `Job ${id} is ${job.state}; only a finished job (done, failed, killed, lost, invalid...) can be requeued.`);
  if (job.purgedAt) throw new AppError("CONFLICT", `Job ${id}'s folder was removed by the retention pass (Keep_Days, Keep_Max_GB); it cannot be requeued.`);
  assertQmFolders(layout); // before the row is claimed: a damaged QM_qJobs would strand the job
  const source = resolveInside(layout.root, job.folder);
  if (!source || !fs.existsSync(source)) throw new AppError("CONFLICT", `Job ${id}'s folder (${job.folder}) is not there any more; it cannot be requeued.`);

  const previous = { state: job.state, folder: job.folder, exitCode: job.exitCode, signal: job.signal, error: job.error, startedAt: job.startedAt, finishedAt: job.finishedAt };
  let folder = relFolder("queued", freeName(layout.queued, job.name));
  const plan = planTransition("requeue", job.state, "queued", { folder, submittedAt: new Date() }, JSON.stringify({ by, previous }));
  if (!(await store.transition(id, plan, { state: job.state, folder: job.folder, unpurged: true }))) {
    throw new AppError("CONFLICT", `Job ${id} changed meanwhile (deleted or requeued by someone else); reload and try again.`);
  }
  try {
    await moveFolder(source, layout.queued, job.name, async (candidate) => {
      const next = relFolder("queued", candidate);
      if (next !== folder && (await store.update(id, { state: "queued", folder }, { folder: next }))) folder = next;
    });
  } catch (error) {
    // The row is ours but the folder could not follow: say so on the job; the worker
    // records it lost when its folder stays missing.
    await store.addEvent(id, "requeue-failed", (error as Error).message);
    throw new AppError("CONFLICT", `Job ${id}'s folder could not be moved back to QM_qJobs (${isEnoent(error) ? "it disappeared" : ((error as NodeJS.ErrnoException).code ?? "error")}).`);
  }
  await wakeWorker(store.sql, layout);
  return { folder };
}
