/**
 * Put a job folder into QM_qJobs with its row first: `claim(folder)` makes a queued row
 * name `QM_qJobs/<name>` (a new row, or a finished one requeued), then the folder is
 * renamed there, the row following the free variant actually taken (`name-2`...). Because
 * the row names the folder before it appears, the worker starts it at once and never takes
 * it for a hand-made drop. Used by uploads, web requeues and resubmissions by hand.
 */
import fs from "node:fs";
import path from "node:path";
import type { WaitingState } from "../../core/job-lifecycle";
import { type QmLayout, freeName, moveFolder, relFolder } from "../qm-folders";
import { removeTree } from "../remove-tree";
import type { JobStore } from "../store/job-store";

export interface QueueClaim {
  /** The state the claimed row is in: queued (default), or held (submitted with hold = yes). */
  state?: WaitingState;
  /** Make a queued row name `folder`; returns its id. */
  claim(folder: string): Promise<number>;
  /** The folder could not be moved: undo or record the claim (the row names `folder`). */
  release(id: number, folder: string, error: unknown): Promise<void>;
}

/** Returns the row id and the folder (relative to QM_FOLDER) the job now has. */
export async function placeInQueue(store: JobStore, layout: QmLayout, src: string, name: string, how: QueueClaim): Promise<{ id: number; folder: string }> {
  let folder = relFolder("queued", freeName(layout.queued, name));
  const id = await how.claim(folder);
  try {
    await moveFolder(src, layout.queued, name, async (candidate) => {
      const next = relFolder("queued", candidate);
      if (next !== folder && (await store.update(id, { state: how.state ?? "queued", folder }, { folder: next }))) folder = next;
    });
  } catch (error) {
    await how.release(id, folder, error);
    throw error;
  }
  // A delete that won the row while the folder was on its way found nothing to remove: the
  // folder that just arrived belongs to a deleted job, and goes the way a deleted job's goes.
  if ((await store.getJob(id))?.state === "deleted") {
    const trash = path.join(layout.internal, "trash", `${id}-${Date.now()}`);
    await fs.promises.mkdir(path.dirname(trash), { recursive: true });
    await fs.promises.rename(path.join(layout.root, folder), trash).catch(() => undefined);
    await removeTree(trash);
  }
  return { id, folder };
}
