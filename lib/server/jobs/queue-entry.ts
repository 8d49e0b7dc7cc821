/**
 * How a checked job folder enters the queue (docs/protocol.md): its row first, naming the
 * folder it will have, then the folder renamed into QM_qJobs. The worker therefore knows
 * the folder is complete the moment it appears, and never takes it for a hand-made drop.
 * Uploads, API submissions, array elements and folder drops all come through here.
 */
import type { JobInfo } from "../../core/job-info";
import type { WaitingState } from "../../core/job-lifecycle";
import { type QmLayout, moveFolder, relFolder } from "../qm-folders";
import type { JobStore, NewJob } from "../store/job-store";
import type { ResolvedQueueOptions } from "./resolve-queue-options";

/** The row of a new job from its info file and queue keys. */
export function newJobRow(info: JobInfo, options: ResolvedQueueOptions, where: Pick<NewJob, "name" | "folder" | "source">): NewJob {
  return {
    ...where, owner: info.owner ?? null, info: info.info ?? null, script: info.script, nbProc: info.nbProc, priority: info.priority,
    params: JSON.stringify(info.params), arrayIndex: options.arrayIndex, dependsOn: options.dependsOn,
  };
}

/** The state a new job enters: held when its info file says so. */
export const submitState = (options: Pick<ResolvedQueueOptions, "hold">): WaitingState => (options.hold ? "held" : "queued");

/**
 * Rename a staged folder into QM_qJobs for the row `id` (in `state`, naming `folder`),
 * under a free name the row records first. Returns the folder it got. When the rename
 * fails the row is removed again and the error thrown: nothing is left half-queued.
 */
export async function placeInQueue(store: JobStore, layout: QmLayout, entry: { id: number; state: WaitingState; dir: string; name: string; folder: string }): Promise<string> {
  let folder = entry.folder;
  try {
    const name = await moveFolder(entry.dir, layout.queued, entry.name, async (candidate) => {
      const next = relFolder("queued", candidate);
      if (next !== folder && (await store.update(entry.id, { state: entry.state, folder }, { folder: next }))) folder = next;
    });
    return relFolder("queued", name);
  } catch (error) {
    await store.discard(entry.id, { state: entry.state, folder });
    throw error;
  }
}
