/**
 * Paths from URLs, resolved inside one job folder. A path is refused when it has `..`
 * or is absolute, and when it (or a folder on the way) is a symlink leading outside the
 * job folder. Files are opened first and then checked through /proc/self/fd, so a
 * symlink swapped in between the check and the open cannot lead outside either.
 */
import fs from "node:fs";
import path from "node:path";
import type { FileEntry, FolderListing } from "../../core/api-types";
import { AppError } from "../../core/app-error";
import { isTextFileName } from "../../core/job-states";
import { type QmLayout, resolveInside } from "../qm-folders";

const isInside = (root: string, full: string) => full === root || full.startsWith(root + path.sep);

/** The real path of a job's folder, which must exist and lie inside QM_FOLDER. */
export async function jobRootOf(layout: QmLayout, folder: string): Promise<string> {
  const candidate = resolveInside(layout.root, folder);
  if (!candidate) throw new AppError("NOT_FOUND", "This job's folder is not inside QM_FOLDER.");
  try {
    const [real, qmRoot] = await Promise.all([fs.promises.realpath(candidate), fs.promises.realpath(layout.root)]);
    if (!isInside(qmRoot, real)) throw new AppError("FORBIDDEN", "This job's folder leads outside QM_FOLDER.");
    return real;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === "ENOENT") {
      throw new AppError("NOT_FOUND", "This job's folder is not there any more (it may be moving between queues; try again).");
    }
    throw error;
  }
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

/** Resolve `relative` inside `root` (a real path): the real target path and its stats. */
export async function resolveJobPath(root: string, relative: string): Promise<{ full: string; rel: string; stat: fs.Stats }> {
  const segments = safeSegments(relative);
  const joined = path.join(root, ...segments);
  let full: string;
  try {
    full = await fs.promises.realpath(joined);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === "ENOENT") throw new AppError("NOT_FOUND", `There is no "${segments.join("/")}" in this job's folder.`);
    throw error;
  }
  if (!isInside(root, full)) throw new AppError("FORBIDDEN", `"${segments.join("/")}" is a link pointing outside the job folder; it is not served.`);
  return { full, rel: segments.join("/"), stat: await fs.promises.stat(full) };
}

/**
 * Open a file for reading and prove, by its open descriptor, that it lies inside `root`.
 * `hidden`: names at the top of the job folder this viewer may not read.
 */
export async function openJobFile(root: string, relative: string, hidden: string[] = []): Promise<{ handle: fs.promises.FileHandle; stat: fs.Stats; rel: string }> {
  const { full, rel, stat } = await resolveJobPath(root, relative);
  if (hidden.includes(rel) || hidden.some((h) => full === path.join(root, h))) {
    throw new AppError("FORBIDDEN", `"${rel}" holds the job's details, which only the administrator may see here (Display_details is off).`);
  }
  if (!stat.isFile()) throw new AppError("INVALID_INPUT", `"${rel || "."}" is a folder, not a file.`);
  const handle = await fs.promises.open(full, fs.constants.O_RDONLY | fs.constants.O_NONBLOCK);
  try {
    const opened = await fs.promises.readlink(`/proc/self/fd/${handle.fd}`).catch(() => full);
    if (!isInside(root, opened)) throw new AppError("FORBIDDEN", `"${rel}" changed into a link pointing outside the job folder.`);
    const openedStat = await handle.stat();
    if (!openedStat.isFile()) throw new AppError("INVALID_INPUT", `"${rel}" is not a regular file.`);
    return { handle, stat: openedStat, rel };
  } catch (error) {
    await handle.close();
    throw error;
  }
}

/** The entries of one folder of the job, folders first, each marked text or not. */
export async function listJobDir(root: string, relative: string, hidden: string[] = []): Promise<FolderListing> {
  const { full, rel, stat } = await resolveJobPath(root, relative);
  if (!stat.isDirectory()) throw new AppError("INVALID_INPUT", `"${rel}" is a file, not a folder.`);
  const dirents = await fs.promises.readdir(full, { withFileTypes: true });
  const entries: FileEntry[] = [];
  for (const d of dirents) {
    if (rel === "" && hidden.includes(d.name)) continue;
    const childFull = path.join(full, d.name);
    const childRel = rel ? `${rel}/${d.name}` : d.name;
    let type: FileEntry["type"] = d.isDirectory() ? "dir" : d.isFile() ? "file" : "other";
    let st: fs.Stats | null = null;
    try {
      if (d.isSymbolicLink()) {
        const target = await fs.promises.realpath(childFull).catch(() => null);
        if (!target) type = "broken-link";
        else if (!isInside(root, target)) type = "outside-link";
        else {
          st = await fs.promises.stat(target);
          type = st.isDirectory() ? "dir" : st.isFile() ? "file" : "other";
        }
      }
      st ??= await fs.promises.lstat(childFull);
    } catch {
      continue; // removed while listing
    }
    entries.push({ name: d.name, path: childRel, type, size: type === "file" ? st.size : 0, modifiedAt: st.mtime.toISOString(), text: type === "file" && isTextFileName(d.name) });
  }
  entries.sort((a, b) => Number(b.type === "dir") - Number(a.type === "dir") || a.name.localeCompare(b.name));
  return { path: rel, entries };
}
