/**
 * Paths from URLs, resolved inside one job folder, and files opened for reading. A path
 * is refused when it has `..` or is absolute, and when it (or a folder on the way) is a
 * symlink leading outside the job folder. Links inside the folder are resolved first,
 * then the file is opened from QM_FOLDER down with no link followed at any step
 * (openBeneath) and judged on its descriptor (servable-file.ts): a link or a hard link
 * swapped in at any moment cannot lead outside.
 */
import fs from "node:fs";
import type { FileHandle } from "node:fs/promises";
import path from "node:path";
import type { FileEntry, FolderListing } from "../../core/api-types";
import { AppError } from "../../core/app-error";
import { LOG_FILE } from "../../core/job-log";
import { isTextFileName } from "../../core/file-kinds";
import { CHANGED, ENTRY_FLAGS, type OpenedEntry, childPath, openBeneath } from "../open-beneath";
import { isUtf8Bytes } from "../../core/name-bytes";
import { escapedName } from "../undecodable-names";
import { type JobFolderAccess, isInside, safeSegments, segmentsFromBase } from "./job-folder";
import { refusalOf } from "./servable-file";

/** Resolve `relative` inside `root` (a real path): the real target path. */
export async function resolveJobPath(root: string, relative: string): Promise<{ full: string; rel: string }> {
  const segments = safeSegments(relative);
  const rel = segments.join("/");
  let full: string;
  try {
    full = await fs.promises.realpath(path.join(root, ...segments));
  } catch (error) {
    throw openError(error, rel);
  }
  if (!isInside(root, full)) throw new AppError("FORBIDDEN", `"${rel}" is a link pointing outside the job folder; it is not served.`);
  return { full, rel };
}

/** The system's refusal to open `rel`, said for the user (other errors pass through). */
function openError(error: unknown, rel: string): unknown {
  const code = (error as NodeJS.ErrnoException).code;
  if (code === "ENOENT" || code === "ENOTDIR") return new AppError("NOT_FOUND", `There is no "${rel}" in this job's folder.`);
  if (code === "ELOOP" || code === CHANGED) return new AppError("FORBIDDEN", `"${rel}" changed while it was opened (it became a link or another file); it is not served.`);
  if (code === "EACCES" || code === "EPERM" || code === "ENXIO") return new AppError("FORBIDDEN", `"${rel}" cannot be read (${code}).`);
  return error;
}

/** A file of the job open for reading. */
export interface OpenedJobFile {
  handle: FileHandle;
  stat: fs.Stats;
  rel: string;
  /** It is process.log and this viewer sees it without its `=== command:` lines. */
  hideCommand: boolean;
}

/** Open a file of the job for reading, refused unless servable (see the module comment). */
export async function openJobFile(access: JobFolderAccess, relative: string): Promise<OpenedJobFile> {
  const { full, rel } = await resolveJobPath(access.root, relative);
  const realRel = path.relative(access.root, full).split(path.sep).join("/");
  if (access.hidden.includes(rel) || access.hidden.includes(realRel)) {
    throw new AppError("FORBIDDEN", `"${rel}" holds the job's details, which only the administrator may see here (Display_details is off).`);
  }
  let opened: OpenedEntry;
  try {
    opened = await openBeneath(access.base, segmentsFromBase(access, full), ENTRY_FLAGS);
  } catch (error) {
    throw openError(error, rel);
  }
  const { handle, stat } = opened;
  try {
    const refusal = refusalOf(stat, access.owners);
    if (refusal) throw new AppError(stat.isDirectory() ? "INVALID_INPUT" : "FORBIDDEN", `"${rel || "."}" ${refusal}.`);
    return { handle, stat, rel, hideCommand: access.hideCommand && realRel === LOG_FILE };
  } catch (error) {
    await handle.close();
    throw error;
  }
}

/** The entries of one folder of the job, folders first, each marked text or not. */
export async function listJobDir(root: string, relative: string, hidden: string[] = []): Promise<FolderListing> {
  const { full, rel } = await resolveJobPath(root, relative);
  const stat = await fs.promises.stat(full).catch((error: unknown) => {
    throw openError(error, rel);
  });
  if (!stat.isDirectory()) throw new AppError("INVALID_INPUT", `"${rel}" is a file, not a folder.`);
  const dirents = await fs.promises.readdir(full, { withFileTypes: true, encoding: "buffer" }).catch((error: unknown) => {
    throw openError(error, rel);
  });
  const entries: FileEntry[] = [];
  for (const raw of dirents) {
    // A name that is not UTF-8 names nothing as a string: listed by its Latin-1 reading, so
    // that its owner knows it is there, and not served (no address can name it).
    if (!isUtf8Bytes(raw.name)) {
      const st = await fs.promises.lstat(childPath(full, raw.name)).catch(() => null);
      if (st) entries.push({ name: raw.name.toString("latin1"), path: `${rel ? `${rel}/` : ""}${escapedName(raw.name)}`, type: "undecodable-name", size: 0, modifiedAt: st.mtime.toISOString(), text: false });
      continue;
    }
    const name = raw.name.toString();
    if (rel === "" && hidden.includes(name)) continue;
    const childFull = path.join(full, name);
    const childRel = rel ? `${rel}/${name}` : name;
    let type: FileEntry["type"] = raw.isDirectory() ? "dir" : raw.isFile() ? "file" : "other";
    let st: fs.Stats | null = null;
    try {
      if (raw.isSymbolicLink()) {
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
    entries.push({ name, path: childRel, type, size: type === "file" ? st.size : 0, modifiedAt: st.mtime.toISOString(), text: type === "file" && isTextFileName(name) });
  }
  entries.sort((a, b) => Number(b.type === "dir") - Number(a.type === "dir") || a.name.localeCompare(b.name));
  return { path: rel, entries };
}
