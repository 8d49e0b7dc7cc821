import { AppError } from "../../core/app-error";
import { isActiveState, isWaitingState } from "../../core/job-lifecycle";
import type { QmLayout } from "../qm-folders";
import { wakeWorker } from "../wake-worker";
import type { JobStore } from "../store/job-store";

/**
 * Ask the worker to kill an active job (docs/protocol.md): record the request (once) with a
 * `kill-requested` event and wake the worker, which sends the signals. It ends as `killed`.
 */
export async function requestKill(store: JobStore, layout: QmLayout, id: number, by: string): Promise<void> {
  const job = await store.getJob(id);
  if (!job || job.state === "deleted") throw new AppError("NOT_FOUND", `There is no job ${id}.`);
  if (!isActiveState(job.state)) {
    // A held job is waiting too: "delete it instead" is what takes it out of the queue.
    const instead = isWaitingState(job.state) ? " (to take a waiting job out of the queue, delete it instead)" : "";
    throw new AppError("INVALID_STATE", `Job ${id} is ${job.state}, not running; only a running job can be killed${instead}.`);
  }
  if (job.killRequestedAt) return; // asked already: the worker is on it
  if (!(await store.requestKill(id, by)) && !(await store.getJob(id))?.killRequestedAt) {
    throw new AppError("INVALID_STATE", `Job ${id} stopped running meanwhile; nothing to kill.`);
  }
  await wakeWorker(store.sql, layout);
}
