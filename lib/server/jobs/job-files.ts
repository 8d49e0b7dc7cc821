/**
 * Paths from URLs, resolved inside one job folder, and files opened for reading. A path
 * is refused when it has `..` or is absolute, and when it (or a folder on the way) is a
 * symlink leading outside the job folder. Links inside the folder are resolved first,
 * then the file is opened from QM_FOLDER down with no link followed at any step
 * (openBeneath) and judged on its descriptor (servable-file.ts): a link or a hard link
 * swapped in at any moment cannot lead outside.
 *
 * A file the job keeps from others (its mode, or a folder on its way: private-entries.ts)
 * is refused to all but its owner and the administrator, and listed for them as private.
 *
 * Paths here are text that keeps every byte (lib/core/name-bytes.ts): a name that is not
 * UTF-8 (Latin-1 from an older system) is listed, viewed, downloaded and zipped like any
 * other, addressed by its exact bytes, and shown by its Latin-1 reading.
 */
import fs from "node:fs";
import type { FileHandle } from "node:fs/promises";
import path from "node:path";
import type { FileEntry, FolderListing } from "../../core/api-types";
import { AppError } from "../../core/app-error";
import { LOG_FILE } from "../../core/job-log";
import { isTextFileName } from "../../core/file-kinds";
import { CHANGED, ENTRY_FLAGS, type OpenedEntry, openBeneath } from "../open-beneath";
import { fsPathOf, pathTextOf, shownPath } from "../../core/name-bytes";
import { type JobFolderAccess, isInside, safeSegments, segmentsFromBase } from "./job-folder";
import { ownPrivateCause, privateCauseOf, privateRefusal, privateRefusalOf } from "./private-entries";
import { refusalOf } from "./servable-file";

/** Resolve `relative` (a path's text) inside `root` (a real path): the real target path, as text. */
export async function resolveJobPath(root: string, relative: string): Promise<{ full: string; rel: string }> {
  const segments = safeSegments(relative);
  const rel = segments.join("/");
  let full: string;
  try {
    full = pathTextOf(await fs.promises.realpath(fsPathOf(path.join(root, ...segments)), { encoding: "buffer" }));
  } catch (error) {
    throw openError(error, rel);
  }
  if (!isInside(root, full)) throw new AppError("FORBIDDEN", `"${shownPath(rel)}" is a link pointing outside the job folder; it is not served.`);
  return { full, rel };
}

/** The path from the job folder `root` of `full`, a real path inside it. */
const relativeTo = (root: string, full: string) => path.relative(root, full).split(path.sep).join("/");

/** A refusal of `rel` as a sentence: `"secret.txt" is private to the job's owner (...)...` */
const sentence = (rel: string, phrase: string) => `"${shownPath(rel) || "."}" ${phrase}.`;

/** The system's refusal to open `rel`, said for the user (other errors pass through). */
function openError(error: unknown, relText: string): unknown {
  const rel = shownPath(relText);
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
  const realRel = relativeTo(access.root, full);
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
    const refusal = refusalOf(stat, access.owners) ?? (await privateRefusalOf(access, realRel, stat));
    if (refusal) throw new AppError(stat.isDirectory() ? "INVALID_INPUT" : "FORBIDDEN", sentence(rel, refusal));
    return { handle, stat, rel, hideCommand: access.hideCommand && realRel === LOG_FILE };
  } catch (error) {
    await handle.close();
    throw error;
  }
}

/**
 * The entries of one folder of the job, folders first, each marked text or not, and
 * private (with the refusal, for a viewer who may not open it). A private folder is not
 * listed to such a viewer.
 */
export async function listJobDir(access: JobFolderAccess, relative: string): Promise<FolderListing> {
  const { root, hidden } = access;
  const { full, rel } = await resolveJobPath(root, relative);
  const stat = await fs.promises.stat(fsPathOf(full)).catch((error: unknown) => {
    throw openError(error, rel);
  });
  if (!stat.isDirectory()) throw new AppError("INVALID_INPUT", `"${shownPath(rel)}" is a file, not a folder.`);
  // A folder on the way kept from others keeps everything in it.
  const folderCause = await privateCauseOf(root, relativeTo(root, full), stat);
  const folderRefusal = privateRefusal(access, folderCause);
  if (folderRefusal) throw new AppError("FORBIDDEN", sentence(rel, folderRefusal));
  const dirents = await fs.promises.readdir(fsPathOf(full), { withFileTypes: true, encoding: "buffer" }).catch((error: unknown) => {
    throw openError(error, rel);
  });
  const entries: FileEntry[] = [];
  for (const raw of dirents) {
    // Every name as text that keeps its bytes: one that is not UTF-8 is served like the others.
    const name = pathTextOf(raw.name);
    if (rel === "" && hidden.includes(name)) continue;
    const childFull = fsPathOf(path.join(full, name));
    const childRel = rel ? `${rel}/${name}` : name;
    let type: FileEntry["type"] = raw.isDirectory() ? "dir" : raw.isFile() ? "file" : "other";
    let st: fs.Stats | null = null;
    let cause = folderCause;
    try {
      if (raw.isSymbolicLink()) {
        const target = await fs.promises.realpath(childFull, { encoding: "buffer" }).catch(() => null);
        if (!target) type = "broken-link";
        else if (!isInside(root, pathTextOf(target))) type = "outside-link";
        else {
          st = await fs.promises.stat(target);
          type = st.isDirectory() ? "dir" : st.isFile() ? "file" : "other";
          // A link inside the folder is served as what it leads to: private where that is.
          cause = await privateCauseOf(root, relativeTo(root, pathTextOf(target)), st);
        }
      }
      st ??= await fs.promises.lstat(childFull);
      if (!raw.isSymbolicLink()) cause ??= ownPrivateCause(st);
    } catch {
      continue; // removed while listing
    }
    const shown = shownPath(name);
    const refusal = privateRefusal(access, cause);
    entries.push({
      name: shown,
      path: childRel,
      type,
      size: type === "file" ? st.size : 0,
      modifiedAt: st.mtime.toISOString(),
      text: type === "file" && isTextFileName(shown),
      ...(shown !== name ? { notUtf8: true as const } : {}),
      ...(cause && (type === "file" || type === "dir") ? { private: true as const } : {}),
      ...(refusal && (type === "file" || type === "dir") ? { refusal: sentence(childRel, refusal) } : {}),
    });
  }
  entries.sort((a, b) => Number(b.type === "dir") - Number(a.type === "dir") || a.name.localeCompare(b.name));
  return { path: rel, entries };
}
