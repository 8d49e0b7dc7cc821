/**
 * Walk a job folder by descriptors, for zips: each folder is read through its own open
 * descriptor and each entry opened inside it with O_NOFOLLOW (open-beneath.ts), never by
 * a path built after listing; each file is judged on its fstat (servable-file.ts). An
 * entry that is a link, vanishes or changes kind meanwhile is skipped with a reason, so
 * a job rewriting its folder during a download can make the zip leave things out, never
 * put something from outside in. What the job keeps from others (private-entries.ts) is
 * skipped too, unless the viewer is its owner or the administrator. At most one folder per level and one file are open.
 */
import fs from "node:fs";
import type { FileHandle } from "node:fs/promises";
import { AppError } from "../../core/app-error";
import { CHANGED, DIR_FLAGS, ENTRY_FLAGS, lstatIn, namesIn, openBeneath, openNamed } from "../open-beneath";
import { type JobFolderAccess, segmentsFromBase } from "./job-folder";
import { ownPrivateCause, privateRefusal } from "./private-entries";
import { refusalOf } from "./servable-file";

/** A file of the job, open; the walker closes it once `file()` has resolved. */
export interface TreeFile {
  /** Its path from the job folder, as text (names not UTF-8 escaped: lib/core/name-bytes.ts). */
  rel: string;
  handle: FileHandle;
  stat: fs.Stats;
}

export interface TreeVisitor {
  /** Why an entry is left out for its name alone (given to skip), or null; asked before it is opened. */
  refuseName?(name: string): string | null;
  folder?(rel: string, stat: fs.Stats): void;
  /** Read the file before resolving: its handle is closed afterwards. */
  file(file: TreeFile): Promise<void>;
  /** An entry left out, and why (a phrase after its name). */
  skip(rel: string, reason: string): void;
}

// Deeper folders are left out: the open descriptors stay bounded.
const MAX_DEPTH = 64;

function reasonOf(error: unknown): string {
  const code = (error as NodeJS.ErrnoException).code;
  if (code === "ENOENT") return "was removed while the download was made";
  if (code === "ELOOP" || code === CHANGED) return "changed (into a link or another file) while the download was made";
  if (code === "ENOTDIR") return "changed from a folder into something else while the download was made";
  return `could not be read (${code ?? (error as Error).message})`;
}

async function openEntry(dir: FileHandle, name: string): Promise<{ handle: FileHandle; stat: fs.Stats } | string> {
  // lstat first, so that a FIFO or device is never even opened; the fstat below decides.
  const seen = await lstatIn(dir, name);
  if (seen.isSymbolicLink()) return "is a symbolic link (links are left out)";
  if (!seen.isFile() && !seen.isDirectory()) return "is not a regular file (a pipe, socket or device)";
  return openNamed(dir, name, seen.isDirectory() ? DIR_FLAGS : ENTRY_FLAGS);
}

/** Visit the job folder depth first, names sorted; stops early once `signal` aborts. */
export async function walkJobFolder(access: JobFolderAccess, visitor: TreeVisitor, signal?: AbortSignal): Promise<void> {
  const walk = async (dir: FileHandle, prefix: string, depth: number): Promise<void> => {
    let names: string[];
    try {
      names = await namesIn(dir);
    } catch (error) {
      return visitor.skip(prefix || ".", reasonOf(error));
    }
    for (const name of names) {
      if (signal?.aborted) return;
      if (!prefix && access.hidden.includes(name)) continue;
      const rel = prefix ? `${prefix}/${name}` : name;
      const refused = visitor.refuseName?.(name);
      if (refused) {
        visitor.skip(rel, refused);
        continue;
      }
      const entry = await openEntry(dir, name).catch(reasonOf);
      if (typeof entry === "string") {
        visitor.skip(rel, entry);
        continue;
      }
      try {
        // A folder kept from others is left out whole: the walk never enters it.
        const refusal = (entry.stat.isDirectory() ? null : refusalOf(entry.stat, access.owners)) ?? privateRefusal(access, ownPrivateCause(entry.stat));
        if (refusal) visitor.skip(rel, refusal);
        else if (!entry.stat.isDirectory()) await visitor.file({ rel, ...entry });
        else if (depth >= MAX_DEPTH) visitor.skip(rel, `lies more than ${MAX_DEPTH} folders deep`);
        else {
          visitor.folder?.(rel, entry.stat);
          await walk(entry.handle, rel, depth + 1);
        }
      } finally {
        await entry.handle.close();
      }
    }
  };
  const { handle: root } = await openBeneath(access.base, segmentsFromBase(access, access.root), DIR_FLAGS).catch((error: unknown) => {
    const code = (error as NodeJS.ErrnoException).code;
    if (code !== "ENOENT" && code !== "ENOTDIR" && code !== "ELOOP" && code !== CHANGED) throw error;
    throw new AppError("NOT_FOUND", "This job's folder moved meanwhile (the job may have just started or ended); try again.");
  });
  try {
    await walk(root, "", 0);
  } finally {
    await root.close();
  }
}
