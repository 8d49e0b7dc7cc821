/**
 * What the store knows of a parent that broke an after_ok wait, for the words the owner
 * reads (lib/core/dependencies.ts: brokenReason when the worker cancels the child,
 * requeueRefusal when a requeue of it is refused): the array it belongs to, and whether it
 * can run again at all (not when a job it waited for was deleted, nor once retention
 * removed its folder). Both say the same, so neither tells to requeue a job that cannot be.
 */
import type { BrokenParent } from "../../core/dependencies";
import type { JobState } from "../../core/job-lifecycle";
import type { JobStore } from "../store/job-store";

export async function brokenParent(store: JobStore, parentId: number, parentState: JobState): Promise<BrokenParent> {
  const row = await store.getJob(parentId);
  return { id: parentId, state: parentState, arrayId: row?.arrayId ?? null, lostFor: parentState === "deleted" ? null : await whyNeverAgain(store, parentId, row?.purgedAt ?? null) };
}

/** Why a parent that ended can never be requeued (requeue-job.ts refuses it), or null. */
async function whyNeverAgain(store: JobStore, id: number, purgedAt: Date | null): Promise<string | null> {
  if (purgedAt) return `its folder was removed by the retention pass`;
  return lostAncestor(store, id);
}

/**
 * "job 11 waited for job 1, which was deleted": the job that can never run again (deleted,
 * or its folder removed by retention) that job `id`'s broken waits lead to, if any.
 */
async function lostAncestor(store: JobStore, id: number, depth = 0): Promise<string | null> {
  // Waits point to earlier jobs only, so the chain ends; the bound only caps the reads.
  if (depth > 50) return null;
  for (const edge of await store.brokenEdgesOf(id)) {
    if (edge.parentState === "deleted") return `job ${id} waited for job ${edge.parentId}, which was deleted`;
    if ((await store.getJob(edge.parentId))?.purgedAt) return `job ${id} waited for job ${edge.parentId}, whose folder was removed by the retention pass`;
    const further = await lostAncestor(store, edge.parentId, depth + 1);
    if (further) return further;
  }
  return null;
}
