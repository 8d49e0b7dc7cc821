/** Invalid jobs: moved to QM_lost+found with a qm-error.txt that says what to fix, and recorded. */
import path from "node:path";
import { planTransition } from "../lib/core/job-lifecycle";
import { folderStamp } from "../lib/core/job-log";
import { ERROR_NOTE } from "../lib/server/error-note";
import { writeNoteFile } from "../lib/server/job-folder-writes";
import { moveFolder, relFolder } from "../lib/server/qm-folders";
import type { WorkerContext } from "./context";

export function errorNote(problem: string, fixLines: string[], now: Date, qJobs: string): string {
  return [
    `QueueManager did not run this job (${now.toISOString()}).`,
    "",
    `What is wrong: ${problem}.`,
    "",
    "How to fix it:",
    ...fixLines,
    "",
    "Then resubmit it, either way:",
    `- move this folder back into ${qJobs} as it is: it is queued again under its original name, and this`,
    "  qm-error.txt is kept beside it as qm-error-<time>.txt;",
    "- or press Requeue on the job's page in QueueManager's web app, or run `qm requeue ID` (the job's owner or an administrator).",
    "",
  ].join("\n");
}

/** Whose the rejected job is and what it says of itself, as far as its info file could be read. */
export interface RejectedOwner {
  owner: string | null;
  info: string | null;
}

/**
 * Move QM_qJobs/<name> (or the folder `from`) to QM_lost+found and record an `invalid` job
 * (named `jobName`, default `name`), its owner's (`known`): they may delete or requeue it.
 */
export async function rejectFolder(ctx: Pick<WorkerContext, "store" | "layout" | "log">, name: string, problem: string, fixLines: string[], jobName = name, from?: string, known: RejectedOwner = { owner: null, info: null }): Promise<void> {
  const now = new Date();
  let moved: string;
  try {
    moved = await moveFolder(from ?? path.join(ctx.layout.queued, name), ctx.layout.lost, `${folderStamp(now)}-${jobName}`);
  } catch {
    return; // Gone meanwhile: nothing to reject.
  }
  const folder = relFolder("lost", moved);
  writeNoteFile(path.join(ctx.layout.lost, moved, ERROR_NOTE), errorNote(problem, fixLines, now, ctx.layout.queued));
  ctx.log.warn(`invalid job QM_qJobs/${name} -> ${folder}: ${problem}`);
  await ctx.store.createJob({ name: jobName, script: "", folder, source: "folder", owner: known.owner, info: known.info }, planTransition("reject", null, "invalid", { error: problem, finishedAt: now }, problem));
}
