/**
 * Folder moves that never overwrite: the destination name is reserved with an exclusive
 * mkdir (name, name-2, name-3...), then the job folder is renamed onto that empty
 * placeholder (rename(2) replaces an empty directory atomically). Same filesystem only.
 */
import fs from "node:fs";
import path from "node:path";
import { type QmLayout, QUEUE_DIRS } from "../lib/server/qm-folders";

function reserve(dir: string, name: string): string {
  for (let i = 1; ; i++) {
    const candidate = i === 1 ? name : `${name}-${i}`;
    try {
      fs.mkdirSync(path.join(dir, candidate));
      return candidate;
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== "EEXIST") throw error;
    }
  }
}

/** Move `src` into `destDir` as `name` (or a free variant); returns the name used. Throws ENOENT when `src` is gone. */
export function moveFolder(src: string, destDir: string, name: string): string {
  const used = reserve(destDir, name);
  try {
    fs.renameSync(src, path.join(destDir, used));
  } catch (error) {
    try {
      fs.rmdirSync(path.join(destDir, used));
    } catch {
      // Placeholder already gone.
    }
    throw error;
  }
  return used;
}

export function isEnoent(error: unknown): boolean {
  return (error as NodeJS.ErrnoException)?.code === "ENOENT";
}

/** QM_FOLDER-relative path of a folder in one of the queue folders ("QM_Jobs/x"). */
export function relFolder(dir: keyof typeof QUEUE_DIRS, name: string): string {
  return `${QUEUE_DIRS[dir]}/${name}`;
}

export function absFolder(layout: QmLayout, relative: string): string {
  return path.join(layout.root, relative);
}

/** Last `bytes` of a file as text ("" when missing). */
export function readTail(file: string, bytes = 4096): string {
  let fd: number | undefined;
  try {
    fd = fs.openSync(file, "r");
    const size = fs.fstatSync(fd).size;
    const length = Math.min(bytes, size);
    const buffer = Buffer.alloc(length);
    fs.readSync(fd, buffer, 0, length, size - length);
    return buffer.toString("utf8");
  } catch {
    return "";
  } finally {
    if (fd !== undefined) fs.closeSync(fd);
  }
}
