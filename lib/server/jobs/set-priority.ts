/**
 * A waiting job's priority changed after submission (its owner or the administrator, as
 * for hold and release): the queue's order is priority, then submission time, so this
 * moves the job up or down without losing its place among equals. The row is changed,
 * guarded by the job's state and folder, so a job the worker starts at that moment keeps
 * running at the priority it started with and the caller is told. The info file keeps
 * the value it was submitted with: a requeue reads the job folder again.
 */
import { AppError } from "../../core/app-error";
import { isWaitingState } from "../../core/job-lifecycle";
import { priorityRefusal } from "../../core/priority-limit";
import { SUBMIT_NUMBER_RANGES } from "../../core/submit-fields";
import type { QmLayout } from "../qm-folders";
import { wakeWorker } from "../wake-worker";
import type { JobStore } from "../store/job-store";

const { min, max } = SUBMIT_NUMBER_RANGES.priority;

/** `limit`: the highest priority the one who asks may give (lib/core/priority-limit.ts; null: no limit). */
export async function setJobPriority(store: JobStore, layout: QmLayout, id: number, priority: number, by: string, limit: number | null): Promise<{ priority: number; changed: boolean }> {
  if (!Number.isInteger(priority) || priority < min || priority > max) {
    throw new AppError("INVALID_INPUT", `A priority is a whole number from ${min} to ${max} (higher runs first), not ${priority}.`, { priority: `from ${min} to ${max}` });
  }
  const refusal = priorityRefusal(priority, limit);
  if (refusal) throw new AppError("INVALID_INPUT", `The ${refusal}.`, { priority: refusal });
  const job = await store.getJob(id);
  if (!job || job.state === "deleted") throw new AppError("NOT_FOUND", `There is no job ${id}.`);
  if (!isWaitingState(job.state)) throw new AppError("INVALID_STATE", `Job ${id} is ${job.state}; only a waiting (queued or held) job's priority can change.`);
  if (job.priority === priority) return { priority, changed: false };
  if (!(await store.setPriority(id, { state: job.state, folder: job.folder }, priority, `${job.priority} -> ${priority} by ${by}`))) {
    throw new AppError("CONFLICT", `Job ${id} changed meanwhile (it may have just started); reload and try again.`);
  }
  // The head of the queue may have changed: the worker decides again (reservations included).
  await wakeWorker(store.sql, layout);
  return { priority, changed: true };
}
