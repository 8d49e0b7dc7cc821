/**
 * The folder protocol: QM_qJobs (queued), QM_Jobs (running), QM_dJobs (done),
 * QM_lost+found (failed, killed, invalid), plus `.qm/` for QueueManager's own files
 * (upload staging, the worker lock, wake-up signals).
 */
import fs from "node:fs";
import path from "node:path";

export const QUEUE_DIRS = {
  queued: "QM_qJobs",
  running: "QM_Jobs",
  done: "QM_dJobs",
  lost: "QM_lost+found",
} as const;

export type QueueDir = (typeof QUEUE_DIRS)[keyof typeof QUEUE_DIRS];

export interface QmLayout {
  root: string;
  queued: string;
  running: string;
  done: string;
  lost: string;
  /** QueueManager's private folder: staging, lock, signals. */
  internal: string;
  staging: string;
  /** Touched by the web app to wake the worker (kill requests, new uploads). */
  wakeFile: string;
}

export function qmLayout(root: string): QmLayout {
  const internal = path.join(root, ".qm");
  return {
    root,
    queued: path.join(root, QUEUE_DIRS.queued),
    running: path.join(root, QUEUE_DIRS.running),
    done: path.join(root, QUEUE_DIRS.done),
    lost: path.join(root, QUEUE_DIRS.lost),
    internal,
    staging: path.join(internal, "staging"),
    wakeFile: path.join(internal, "wake"),
  };
}

/** Create the four queue folders and `.qm/` when missing. */
export function ensureQmFolders(layout: QmLayout): void {
  for (const dir of [layout.queued, layout.running, layout.done, layout.lost, layout.staging]) {
    fs.mkdirSync(dir, { recursive: true });
  }
}

/** The path of `relative` (e.g. "QM_dJobs/x") inside QM_FOLDER, or null if it escapes. */
export function resolveInside(root: string, relative: string): string | null {
  const full = path.resolve(root, relative);
  return full === root || full.startsWith(root + path.sep) ? full : null;
}

/** A folder name in `dir` that does not exist yet: `name`, then `name-2`, `name-3`... */
export function freeName(dir: string, name: string): string {
  if (!fs.existsSync(path.join(dir, name))) return name;
  for (let i = 2; ; i++) {
    const candidate = `${name}-${i}`;
    if (!fs.existsSync(path.join(dir, candidate))) return candidate;
  }
}

/** Tell the worker to look again (it watches this file). */
export function wakeWorker(layout: QmLayout): void {
  try {
    fs.writeFileSync(layout.wakeFile, String(Date.now()));
  } catch {
    // The worker also rescans on its own; a missing .qm folder is not fatal here.
  }
}
