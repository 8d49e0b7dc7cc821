/**
 * Cancel a waiting (queued or held) job that will never run: its array was killed, or a
 * job it waited for with after_ok failed. The row is claimed first (a guarded `cancel`
 * naming its new folder), then its folder moves to QM_lost+found with a qm-error.txt
 * that says why, as every job that did not run.
 */
import path from "node:path";
import { planTransition, type WaitingState } from "../../core/job-lifecycle";
import { folderStamp } from "../../core/job-log";
import { writeNoteFile } from "../job-folder-writes";
import { type QmLayout, freeName, moveFolder, relFolder, resolveInside } from "../qm-folders";
import type { JobStore } from "../store/job-store";

/** The cancelled job's folder, or null when the row was not waiting any more (it started, or someone else won). */
export async function cancelWaitingJob(
  store: JobStore,
  layout: QmLayout,
  job: { id: number; state: WaitingState; folder: string; name: string },
  reason: string,
): Promise<string | null> {
  const now = new Date();
  const base = `${folderStamp(now)}-${job.name}`;
  let folder = relFolder("lost", freeName(layout.lost, base));
  const plan = planTransition("cancel", job.state, "cancelled", { folder, finishedAt: now, error: reason }, reason);
  if (!(await store.transition(job.id, plan, { state: job.state, folder: job.folder }))) return null;
  const source = resolveInside(layout.root, job.folder);
  try {
    if (!source) throw new Error("its folder is outside QM_FOLDER");
    const moved = await moveFolder(source, layout.lost, base, async (candidate) => {
      const next = relFolder("lost", candidate);
      if (next !== folder && (await store.update(job.id, { state: "cancelled", folder }, { folder: next }))) folder = next;
    });
    writeNoteFile(path.join(layout.lost, moved, "qm-error.txt"), `QueueManager did not run this job (${now.toISOString()}): it was cancelled.\n\nWhy: ${reason}.\n`);
  } catch (error) {
    await store.addEvent(job.id, "cancel-move-failed", (error as Error).message);
  }
  return folder;
}
