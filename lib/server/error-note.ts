/**
 * qm-error.txt: the note QueueManager leaves in a job folder it rejected (or lost), saying
 * what to fix. When the job is resubmitted (moved back by hand, or requeued on the web)
 * the note is no longer current: it is set aside as `qm-error-<time>.txt`, kept for the
 * record, so that the folder never holds a stale qm-error.txt beside a new run.
 */
import fs from "node:fs";
import path from "node:path";
import { freeName } from "./qm-folders";

export const ERROR_NOTE = "qm-error.txt";

/** The time stamp QueueManager puts before finished folders' names (folderStamp in job-log.ts). */
const STAMPED = /^(\d{4}-\d\d-\d\dT\d\d-\d\d-\d\dZ)-(.+)$/;

/** `2026-11-28T04-36-00Z-fit` -> { stamp, name: "fit" } (every stamp removed), or null. */
export function splitStamp(folderName: string): { stamp: string; name: string } | null {
  const m = STAMPED.exec(folderName);
  if (!m) return null;
  let name = m[2];
  // A folder that went round more than once before this rule existed: `<ts>-<ts>-name`.
  for (let again = STAMPED.exec(name); again; again = STAMPED.exec(name)) name = again[2];
  return { stamp: m[1], name };
}

export function hasErrorNote(dir: string): boolean {
  return fs.existsSync(path.join(dir, ERROR_NOTE));
}

/** qm-error.txt -> qm-error-<stamp>.txt (or a free variant). */
export function setAsideErrorNote(dir: string, stamp: string): void {
  if (!hasErrorNote(dir)) return;
  fs.renameSync(path.join(dir, ERROR_NOTE), path.join(dir, freeName(dir, `qm-error-${stamp}.txt`)));
}
