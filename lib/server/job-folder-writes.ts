/**
 * The service's own writes into a job folder: the footer appended to process.log, the
 * qm-error.txt left beside a folder it did not run. A job folder's entries are its
 * owner's (the lab member who dropped it, or the job while it ran), and the worker writes
 * as root: followed, a process.log or qm-error.txt made into a symlink (or a hard link,
 * where the kernel allows linking another's file) would have it append to or overwrite
 * any file of the machine. So the last component is never followed (O_NOFOLLOW), must be
 * a plain file with one link, and opening never waits (O_NONBLOCK: a FIFO fails at once).
 * The folders on the way are the service's (QM_Jobs, QM_lost+found); the job folder itself
 * is opened without following it either (inFolderOf): the intake never takes in a symbolic
 * link, but one put in place of a queued folder after its intake is renamed on with it, and
 * followed it would lead the write anywhere.
 */
import fs from "node:fs";
import path from "node:path";
import { DIR_FLAGS, beneath } from "./open-beneath";

const { O_RDWR, O_WRONLY, O_APPEND, O_CREAT, O_EXCL, O_NOFOLLOW, O_NONBLOCK, O_NOCTTY } = fs.constants;

function refuse(file: string, why: string): never {
  throw Object.assign(new Error(`${file} ${why}; QueueManager writes only to a plain file there (remove it)`), { code: "EPERM" });
}

/**
 * Run `write` with the path of `file` inside its folder opened as it is (never through a
 * symbolic link: ELOOP or ENOTDIR, refused with the reason).
 */
function inFolderOf<T>(file: string, write: (inside: string) => T): T {
  const folder = path.dirname(file);
  let fd: number;
  try {
    fd = fs.openSync(folder, DIR_FLAGS);
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === "ELOOP" || code === "ENOTDIR") refuse(folder, "is not a folder (a symbolic link?)");
    throw error;
  }
  try {
    return write(beneath(fd, path.basename(file)));
  } finally {
    fs.closeSync(fd);
  }
}

/** The open file must be a plain file with no other name, or it is closed and refused. */
function plainFile(fd: number, file: string): fs.Stats {
  const st = fs.fstatSync(fd);
  if (st.isFile() && st.nlink === 1) return st;
  fs.closeSync(fd);
  refuse(file, st.isFile() ? "has other hard links" : "is not a plain file");
}

/**
 * Append `text` (whole lines) to a job's process.log, made if missing, on a line of its
 * own: a script whose last output had no line break would have the text glued to it.
 */
export function appendLogLines(file: string, text: string): void {
  inFolderOf(file, (inside) => appendTo(inside, file, text));
}

function appendTo(inside: string, file: string, text: string): void {
  let fd: number;
  try {
    fd = fs.openSync(inside, O_RDWR | O_APPEND | O_CREAT | O_NOFOLLOW | O_NONBLOCK | O_NOCTTY, 0o644);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === "ELOOP") refuse(file, "is a symlink");
    throw error;
  }
  const { size } = plainFile(fd, file);
  try {
    const last = Buffer.alloc(1);
    const unfinished = size > 0 && fs.readSync(fd, last, 0, 1, size - 1) === 1 && last[0] !== 0x0a;
    fs.writeSync(fd, unfinished ? `\n${text}` : text);
  } finally {
    fs.closeSync(fd);
  }
}

/** Write `text` as the file `file` (qm-error.txt), replacing what had that name. */
export function writeNoteFile(file: string, text: string): void {
  inFolderOf(file, (inside) => {
    fs.rmSync(inside, { force: true }); // a symlink is removed, not followed; a folder there makes the open below fail
    // O_EXCL: whatever appears under that name meanwhile (a symlink included) makes it fail.
    const fd = fs.openSync(inside, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_NOCTTY, 0o644);
    try {
      fs.writeSync(fd, text);
    } finally {
      fs.closeSync(fd);
    }
  });
}
