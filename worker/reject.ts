/** Invalid jobs: moved to QM_lost+found with a qm-error.txt that says what to fix, and recorded. */
import fs from "node:fs";
import path from "node:path";
import { folderStamp } from "../lib/core/job-log";
import type { Db } from "../lib/server/db";
import type { QmLayout } from "../lib/server/qm-folders";
import { moveFolder, relFolder } from "./job-folders";

interface RejectDeps {
  db: Db;
  layout: QmLayout;
  log: (message: string) => void;
}

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
export async function rejectFolder(deps: RejectDeps, name: string, problem: string, fixLines: string[]): Promise<void> {
  const now = new Date();
  let moved: string;
  try {
    moved = moveFolder(path.join(deps.layout.queued, name), deps.layout.lost, `${folderStamp(now)}-${name}`);
  } catch {
    return; // Gone meanwhile: nothing to reject.
  }
  const folder = relFolder("lost", moved);
  fs.writeFileSync(path.join(deps.layout.lost, moved, "qm-error.txt"), errorNote(problem, fixLines, now, deps.layout.queued));
  deps.log(`invalid job QM_qJobs/${name} -> ${folder}: ${problem}`);
  await deps.db.job.create({
    data: {
      name, script: "", state: "invalid", folder, source: "folder", error: problem, finishedAt: now,
      events: { create: { kind: "invalid", detail: problem } },
    },
  });
}
