/**
 * Folder moves that never overwrite: the first free name among name, name-2, name-3...
 * A rename onto a non-empty folder fails (ENOTEMPTY/EEXIST), so a folder that appears
 * between the check and the rename is never replaced: the next name is tried. Only an
 * empty folder created in that instant could be replaced, and it holds nothing.
 * Same filesystem only (every QM_* folder is under QM_FOLDER).
 */
import fs from "node:fs";
import path from "node:path";
import { type QmLayout, QUEUE_DIRS } from "../lib/server/qm-folders";

/** Move `src` into `destDir` as `name` (or a free variant); returns the name used. Throws ENOENT when `src` is gone. */
export function moveFolder(src: string, destDir: string, name: string): string {
  for (let i = 1; ; i++) {
    const candidate = i === 1 ? name : `${name}-${i}`;
    const dest = path.join(destDir, candidate);
    if (fs.existsSync(dest)) continue;
    try {
      fs.renameSync(src, dest);
      return candidate;
    } catch (error) {
      const code = (error as NodeJS.ErrnoException).code;
      if (code !== "ENOTEMPTY" && code !== "EEXIST") throw error;
    }
  }
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
