/**
 * Hold and release (docs/protocol.md): a held job keeps its folder in QM_qJobs and its
 * place in the order (its submission time is untouched) but the worker never starts it.
 * Both are guarded transitions: a job the worker starts at the same moment is not held,
 * and the caller is told it has just started. Asking for the state a job is already in
 * (holding a held job, releasing one that is not held but queued) is not an error, as
 * pausing a paused queue is not: it changes nothing, and says so (false), so that nobody
 * is told "released" of a job that never was held.
 */
import { AppError } from "../../core/app-error";
import { planTransition } from "../../core/job-lifecycle";
import type { QmLayout } from "../qm-folders";
import { wakeWorker } from "../wake-worker";
import type { JobStore } from "../store/job-store";

/** Hold a queued job; false when it was held already. */
export async function holdJob(store: JobStore, id: number, by: string): Promise<boolean> {
  const job = await store.getJob(id);
  if (!job || job.state === "deleted") throw new AppError("NOT_FOUND", `There is no job ${id}.`);
  if (job.state === "held") return false;
  if (job.state !== "queued") throw new AppError("INVALID_STATE", `Job ${id} is ${job.state}; only a queued job can be held.`);
  if (!(await store.transition(id, planTransition("hold", "queued", "held", {}, `by ${by}`), { state: "queued", folder: job.folder }))) {
    throw new AppError("CONFLICT", `Job ${id} changed meanwhile (it may have just started); reload and try again.`);
  }
  return true;
}

/** Release a held job; false when it was not held (queued already). */
export async function releaseJob(store: JobStore, layout: QmLayout, id: number, by: string): Promise<boolean> {
  const job = await store.getJob(id);
  if (!job || job.state === "deleted") throw new AppError("NOT_FOUND", `There is no job ${id}.`);
  if (job.state === "queued") return false;
  if (job.state !== "held") throw new AppError("INVALID_STATE", `Job ${id} is ${job.state}; only a held job can be released.`);
  if (!(await store.transition(id, planTransition("release", "held", "queued", {}, `by ${by}`), { state: "held", folder: job.folder }))) {
    throw new AppError("CONFLICT", `Job ${id} changed meanwhile; reload and try again.`);
  }
  await wakeWorker(store.sql, layout);
  return true;
}
