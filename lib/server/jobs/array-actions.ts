/**
 * Hold, release, kill, requeue or delete a whole array: the single-job action applied to
 * each element it fits (docs/api.md). Killing an array cancels its waiting elements first,
 * so that none starts in their place, then kills the running ones. Deleting one removes
 * its waiting and finished elements; running ones are left (kill the array first).
 */
import type { ArrayActionAnswer } from "../../core/api-types";
import { AppError, isAppError } from "../../core/app-error";
import { isActiveState, isFinishedState, isWaitingState } from "../../core/job-lifecycle";
import type { JobFolderOptions } from "../job-folder";
import type { QmLayout } from "../qm-folders";
import { wakeWorker } from "../wake-worker";
import type { JobStore } from "../store/job-store";
import { cancelWaitingJob } from "./cancel-job";
import { deleteJob } from "./delete-job";
import { holdJob, releaseJob } from "./hold-job";
import { requestKill } from "./kill-job";
import { planArrayRequeue } from "./array-requeue-plan";
import { requeueJob } from "./requeue-job";

export const ARRAY_ACTIONS = ["hold", "release", "kill", "requeue", "delete"] as const;
export type ArrayAction = (typeof ARRAY_ACTIONS)[number];

/** How an array action is asked for. */
export interface ArrayActionRequest {
  action: ArrayAction;
  /** Who asks, for the elements' history. */
  by: string;
  /** `job_file` and Strict_Job_File: how a requeued element's folder is read again. */
  folderRule: JobFolderOptions;
  /** The highest priority the one who asks may give a requeued element (null: no limit). */
  priorityLimit: number | null;
  /** `requeue` puts back the elements that ended other than done; with this, every ended one. */
  everything?: boolean;
}

/** Apply the action to the elements of array `arrayId` it fits. */
export async function applyToArray(store: JobStore, layout: QmLayout, arrayId: number, { action, by, folderRule, priorityLimit, everything = false }: ArrayActionRequest): Promise<ArrayActionAnswer> {
  const elements = await store.elementsOf(arrayId);
  if (!elements.length) throw new AppError("NOT_FOUND", `There is no array ${arrayId}.`);
  const result: ArrayActionAnswer = { applied: [], skipped: [], refused: [] };
  const each = async (ids: number[], act: (id: number) => Promise<unknown>) => {
    for (const id of ids) {
      try {
        await act(id);
        result.applied.push(id);
      } catch (error) {
        // A race with the worker (it started or ended meanwhile) skips that element only.
        if (!isAppError(error) || !["CONFLICT", "INVALID_STATE"].includes(error.code)) throw error;
        result.skipped.push(id);
      }
    }
  };
  const inState = (test: (state: string) => boolean) => elements.filter((e) => test(e.state)).map((e) => e.id);
  // Read after the action: an element started meanwhile is among `skipped`, not counted twice.
  // Handed to Slurm and pending there is not running: said apart (`pending`), as the job page does.
  const activeLeft = async () => {
    const active = (await store.elementsOf(arrayId)).filter((e) => isActiveState(e.state) && !result.skipped.includes(e.id));
    const idsIn = (state: string) => active.filter((e) => e.state === state).map((e) => e.id);
    const [running, pending] = [idsIn("running"), idsIn("pending")];
    if (running.length) result.running = running;
    if (pending.length) result.pending = pending;
  };
  // As for one job, asking for the state an element is in already is not an error: said as `already`.
  const alreadyIn = (state: string) => {
    const already = inState((s) => s === state);
    if (already.length) result.already = already;
  };
  if (action === "hold") {
    alreadyIn("held");
    await each(inState((s) => s === "queued"), (id) => holdJob(store, id, by));
    await activeLeft();
  }
  if (action === "release") {
    alreadyIn("queued");
    await each(inState((s) => s === "held"), (id) => releaseJob(store, layout, id, by));
  }
  if (action === "requeue") {
    const { requeuable, refused } = await planArrayRequeue(store, layout, elements, everything);
    result.refused = refused;
    await each(requeuable, (id) => requeueJob(store, layout, id, by, folderRule, priorityLimit));
  }
  if (action === "delete") {
    await each(inState((s) => isWaitingState(s) || isFinishedState(s)), (id) => deleteJob(store, layout, id, by));
    await activeLeft();
  }
  if (action === "kill") {
    const reason = `cancelled with its array (array ${arrayId} killed by ${by})`;
    result.cancelled = [];
    for (const e of elements.filter((el) => isWaitingState(el.state))) {
      if (await cancelWaitingJob(store, layout, { ...e, state: e.state as "queued" | "held" }, reason)) result.applied.push(e.id), result.cancelled.push(e.id);
      else result.skipped.push(e.id);
    }
    const active = (await store.elementsOf(arrayId)).filter((e) => isActiveState(e.state));
    await each(active.map((e) => e.id), (id) => requestKill(store, layout, id, by));
    // Those pending in Slurm are cancelled there at once; said apart from the running ones asked to stop.
    const pending = active.filter((e) => e.state === "pending" && result.applied.includes(e.id)).map((e) => e.id);
    if (pending.length) result.pending = pending;
    await wakeWorker(store.sql, layout);
  }
  return result;
}
