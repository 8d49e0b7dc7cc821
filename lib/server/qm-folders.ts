/**
 * The folder protocol: QM_qJobs (queued), QM_Jobs (running), QM_dJobs (done),
 * QM_lost+found (failed, killed, invalid), plus `.qm/` for QueueManager's own files
 * (upload staging, the worker lock, wake-up signals).
 */
import fs from "node:fs";
import path from "node:path";
import { AppError } from "../core/app-error";

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
  /** Exit records of runs (lib/core/exit-record.ts). */
  runs: string;
  /** Touched by the web app to wake the worker when the database is SQLite (lib/server/wake-worker.ts). */
  wakeFile: string;
}

export function qmLayout(root: string): QmLayout {
  const internal = path.join(root, ".qm");
  return {
    root,
    queued: path.join(/*turbopackIgnore: true*/ root, QUEUE_DIRS.queued),
    running: path.join(/*turbopackIgnore: true*/ root, QUEUE_DIRS.running),
    done: path.join(/*turbopackIgnore: true*/ root, QUEUE_DIRS.done),
    lost: path.join(/*turbopackIgnore: true*/ root, QUEUE_DIRS.lost),
    internal,
    staging: path.join(internal, "staging"),
    runs: path.join(internal, "runs"),
    wakeFile: path.join(internal, "wake"),
  };
}

/**
 * Put back a QM folder that something broke (a job that replaced QM_qJobs with a file):
 * whatever stands in its place is moved aside, untouched, to `<QM_FOLDER>/<name>.broken-<time>`,
 * and the folder is created again. Returns what was repaired, for the log.
 */
export function repairQmFolders(layout: QmLayout, now = new Date()): string[] {
  const repaired: string[] = [];
  for (const dir of [layout.queued, layout.running, layout.done, layout.lost, layout.internal, layout.staging, layout.runs]) {
    let st: fs.Stats;
    try {
      st = fs.lstatSync(dir);
    } catch {
      continue; // missing: ensureQmFolders creates it
    }
    if (st.isDirectory()) continue;
    const aside = `${dir}.broken-${now.toISOString().replace(/[:.]/g, "-")}`;
    fs.renameSync(dir, aside);
    repaired.push(`${path.relative(layout.root, dir)} was not a folder (a ${st.isSymbolicLink() ? "symlink" : "file"}); moved aside to ${path.basename(aside)} and created again`);
  }
  ensureQmFolders(layout);
  return repaired;
}

/** Create the four queue folders and `.qm/` when missing. */
export function ensureQmFolders(layout: QmLayout): void {
  for (const dir of [layout.queued, layout.running, layout.done, layout.lost, layout.staging, layout.runs]) {
    const made = fs.mkdirSync(dir, { recursive: true });
    // Made by the worker (root), a folder belongs to QM_FOLDER's owner, as when the web
    // server (that account) makes it first: whichever service starts first, the web
    // server can reach .qm/staging.
    if (made && process.getuid?.() === 0) {
      const { uid, gid } = fs.statSync(layout.root);
      if (uid === 0) continue;
      for (let at = dir; ; at = path.dirname(at)) {
        fs.lchownSync(at, uid, gid);
        if (at === made || path.dirname(at) === at) break;
      }
    }
  }
}

/** The path of `relative` (e.g. "QM_dJobs/x") inside QM_FOLDER, or null if it escapes. */
export function resolveInside(root: string, relative: string): string | null {
  const full = path.resolve(root, relative);
  return full === root || full.startsWith(root + path.sep) ? full : null;
}

/** name, name-2, name-3...: the names a moved folder may take, in order. */
function* candidateNames(name: string): Generator<string> {
  yield name;
  for (let i = 2; ; i++) yield `${name}-${i}`;
}

/** rename(2) that refuses to replace: false when `dest` exists (even empty), throws otherwise. */
function renameNoReplace(src: string, dest: string): boolean {
  if (fs.existsSync(dest)) return false;
  try {
    fs.renameSync(src, dest);
    return true;
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === "ENOTEMPTY" || code === "EEXIST") return false;
    throw error;
  }
}

/**
 * Move the folder `src` into `destDir` as `name`, or the first free variant name-2,
 * name-3...; returns the name used. Never overwrites: a rename onto an existing folder
 * is refused and the next name is tried. Throws ENOENT when `src` is gone. Every move
 * between QM folders goes through here (same filesystem: all are under QM_FOLDER).
 *
 * `claim(candidate)`, when given, runs before each attempt: a job whose row must name
 * its folder before the folder appears (uploads, requeues) records the candidate there,
 * so the worker never takes the folder for a hand-made drop.
 */
export async function moveFolder(src: string, destDir: string, name: string, claim?: (candidate: string) => Promise<void>): Promise<string> {
  for (const candidate of candidateNames(name)) {
    const dest = path.join(destDir, candidate);
    // renameNoReplace looks too; a claim is only made for a name free when it is made.
    if (claim) {
      if (fs.existsSync(dest)) continue;
      await claim(candidate);
    }
    if (renameNoReplace(src, dest)) return candidate;
  }
  throw new Error("unreachable");
}

/** The first name `moveFolder` would try now: `name` or a free variant. */
export function freeName(dir: string, name: string): string {
  for (const candidate of candidateNames(name)) if (!fs.existsSync(path.join(dir, candidate))) return candidate;
  throw new Error("unreachable");
}

/** QM_FOLDER-relative path of a folder in one of the queue folders ("QM_Jobs/x"). */
export function relFolder(queue: keyof typeof QUEUE_DIRS, name: string): string {
  return `${QUEUE_DIRS[queue]}/${name}`;
}

export function isEnoent(error: unknown): boolean {
  return (error as NodeJS.ErrnoException)?.code === "ENOENT";
}

/**
 * Refuse to work in a QM_FOLDER that something damaged: one of its folders replaced by
 * a file or a link (a job ran `rmdir QM_qJobs; touch QM_qJobs`), or QM_FOLDER by a file. Missing folders are
 * fine (ensureQmFolders makes them). The web cannot repair it, so it says what is wrong
 * instead of failing with an internal error.
 */
export function assertQmFolders(layout: QmLayout): void {
  for (const dir of [layout.root, layout.queued, layout.running, layout.done, layout.lost, layout.internal, layout.staging]) {
    let ok: boolean;
    try {
      // QM_FOLDER itself may be a link the administrator made (a shared folder mounted
      // elsewhere, as the worker accepts it); a link below it is a job's doing.
      ok = (dir === layout.root ? fs.statSync(dir) : fs.lstatSync(dir)).isDirectory();
    } catch (error) {
      ok = isEnoent(error);
    }
    if (!ok) {
      const name = dir === layout.root ? "QM_FOLDER" : path.relative(layout.root, dir);
      throw new AppError(
        "UNAVAILABLE",
        `QueueManager's folder ${name} (${dir}) is not a folder any more: something replaced it. ` +
          "Jobs cannot be queued, moved or shown there until the administrator moves that away and restarts the worker, which makes the folder again.",
      );
    }
  }
}
