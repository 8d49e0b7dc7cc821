/**
 * A job folder as the web reads it: its real path inside QM_FOLDER, and what this
 * viewer may read in it. Every read below (file view, download, zip, log) starts from
 * a JobFolderAccess and opens files with openBeneath (no link ever followed on the way).
 */
import fs from "node:fs";
import path from "node:path";
import { AppError } from "../../core/app-error";
import { type QmLayout, assertQmFolders, resolveInside } from "../qm-folders";
import { allowedOwners } from "./servable-file";

/** What the file routes need to read one job folder for one viewer. */
export interface JobFolderAccess {
  /** Real path of QM_FOLDER: opens start here and follow no link from here on. */
  base: string;
  /** Real path of the job folder, inside `base`. */
  root: string;
  /** Names at the top of the job folder this viewer may not read (the info file when details are hidden). */
  hidden: string[];
  /** Show process.log without its `=== command:` lines (details hidden from this viewer). */
  hideCommand: boolean;
  /** uids whose files are served (servable-file.ts). */
  owners: number[];
  /** The viewer is the job's owner or the administrator: files the job keeps from others are served too (private-entries.ts). */
  privateServed: boolean;
}

export const isInside = (root: string, full: string) => full === root || full.startsWith(root + path.sep);

const folderMoving = () => new AppError("NOT_FOUND", "This job's folder is not there any more (it may be moving between queues; try again).", { folder: "moving" });

/** The folder was not where the job's row said: it may be moving between queues this very moment. */
export const isFolderMoving = (error: unknown) => error instanceof AppError && error.details?.folder === "moving";

/** The real path of a job's folder, which must exist and lie inside QM_FOLDER. */
export async function jobRootOf(layout: QmLayout, folder: string): Promise<string> {
  const candidate = resolveInside(layout.root, folder);
  if (!candidate) throw new AppError("NOT_FOUND", "This job's folder is not inside QM_FOLDER.");
  try {
    const [real, qmRoot] = await Promise.all([fs.promises.realpath(candidate), fs.promises.realpath(layout.root)]);
    if (!isInside(qmRoot, real)) throw new AppError("FORBIDDEN", "This job's folder leads outside QM_FOLDER.");
    return real;
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === "ENOENT" || code === "ENOTDIR" || code === "ELOOP") {
      assertQmFolders(layout); // a damaged QM_FOLDER is said as such
      throw folderMoving();
    }
    throw error;
  }
}

/** The job folder of `job` as `view` may read it. */
export async function jobFolderAccess(
  layout: QmLayout,
  job: { folder: string; runInfo: string | null },
  view: { hidden: string[]; hideCommand: boolean; privateServed: boolean },
): Promise<JobFolderAccess> {
  const root = await jobRootOf(layout, job.folder);
  const [base, rootStat] = await Promise.all([
    fs.promises.realpath(layout.root),
    fs.promises.lstat(root).catch((error: NodeJS.ErrnoException) => {
      // Moved between the two looks (the job started or ended): said as jobRootOf says it, not a 500.
      if (error.code === "ENOENT" || error.code === "ENOTDIR") throw folderMoving();
      throw error;
    }),
  ]);
  return { base, root, ...view, owners: allowedOwners(rootStat.uid, job.runInfo) };
}

/** The path components from QM_FOLDER to `full` (a real path inside `access.root`). */
export function segmentsFromBase(access: JobFolderAccess, full: string): string[] {
  return path.relative(access.base, full).split(path.sep).filter(Boolean);
}

/** Split a relative path from a URL into safe segments ("" is the job folder itself). */
export function safeSegments(relative: string): string[] {
  if (relative.includes("\0")) throw new AppError("INVALID_INPUT", "The path contains a NUL character.");
  if (relative.startsWith("/") || /^[A-Za-z]:[\\/]/.test(relative)) {
    throw new AppError("INVALID_INPUT", "Give a path relative to the job folder, not an absolute path.");
  }
  const segments = relative.split("/").filter((s) => s !== "" && s !== ".");
  if (segments.some((s) => s === "..")) throw new AppError("INVALID_INPUT", "The path may not contain `..`; it must stay inside the job folder.");
  return segments;
}
