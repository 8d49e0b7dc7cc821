/** Invalid jobs: moved to QM_lost+found with a qm-error.txt that says what to fix, and recorded. */
import fs from "node:fs";
import path from "node:path";
import { planTransition } from "../lib/core/job-lifecycle";
import { folderStamp } from "../lib/core/job-log";
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
    `Then move the folder back into ${qJobs} (without this qm-error.txt if you like) and it will be queued again.`,
    "",
  ].join("\n");
}

/** Move QM_qJobs/<name> to QM_lost+found and record an `invalid` job. */
export async function rejectFolder(ctx: Pick<WorkerContext, "store" | "layout" | "log">, name: string, problem: string, fixLines: string[]): Promise<void> {
  const now = new Date();
  let moved: string;
  try {
    moved = await moveFolder(path.join(ctx.layout.queued, name), ctx.layout.lost, `${folderStamp(now)}-${name}`);
  } catch {
    return; // Gone meanwhile: nothing to reject.
  }
  const folder = relFolder("lost", moved);
  fs.writeFileSync(path.join(ctx.layout.lost, moved, "qm-error.txt"), errorNote(problem, fixLines, now, ctx.layout.queued));
  ctx.log.warn(`invalid job QM_qJobs/${name} -> ${folder}: ${problem}`);
  await ctx.store.createJob({ name, script: "", folder, source: "folder" }, planTransition("reject", null, "invalid", { error: problem, finishedAt: now }, problem));
}
