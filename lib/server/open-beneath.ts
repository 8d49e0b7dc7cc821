/**
 * Open a path below a folder without ever following a symlink, in the manner of
 * openat(2) with O_NOFOLLOW at each step: every component is opened relative to the
 * descriptor of the folder before it, through /proc/self/fd/<fd>/<name>. The kernel
 * follows that /proc link to the folder already open (not to whatever path it had), and
 * O_NOFOLLOW refuses the name itself if it is a symlink (ELOOP). A job that swaps a file
 * or a folder on the way for a symlink therefore makes the open fail, never lead out.
 * Node has no openat; /proc is there on every Linux this runs on.
 */
import fs from "node:fs";
import type { FileHandle } from "node:fs/promises";
import { fsPathOf, pathTextOf } from "../core/name-bytes";

const { O_RDONLY, O_DIRECTORY, O_NOFOLLOW, O_NONBLOCK, O_NOCTTY } = fs.constants;

/** Flags of a folder on the way. */
export const DIR_FLAGS = O_RDONLY | O_DIRECTORY | O_NOFOLLOW;
/**
 * Flags of a final entry that may be anything: never a symlink, and never waiting
 * (O_NONBLOCK: a FIFO a job made opens at once, and fstat then tells it apart).
 */
export const ENTRY_FLAGS = O_RDONLY | O_NOFOLLOW | O_NONBLOCK | O_NOCTTY;

/** The path of the file or folder open as `dir` (a handle or a descriptor): the file opened, never a name looked up again. */
export const opened = (dir: FileHandle | number) => `/proc/self/fd/${typeof dir === "number" ? dir : dir.fd}`;

/**
 * The path that names `name` inside the folder open as `dir`. Walks that must reach every
 * entry list a folder's names as bytes and pass them here as Buffers: a name need not be
 * UTF-8 (a Latin-1 "donn\xe9es" from an older system, or any bytes a job chose), and read
 * as a string it comes back with U+FFFD in place of those bytes and names nothing.
 */
export function beneath(dir: FileHandle | number, name: string): string;
export function beneath(dir: FileHandle | number, name: Buffer): Buffer;
export function beneath(dir: FileHandle | number, name: string | Buffer): string | Buffer {
  return typeof name === "string" ? `${opened(dir)}/${name}` : childPath(opened(dir), name);
}

/** `dir`/`name` as bytes: the path of an entry whose name was listed as bytes. */
export function childPath(dir: string | Buffer, name: Buffer): Buffer {
  return Buffer.concat([typeof dir === "string" ? Buffer.from(dir) : dir, Buffer.from("/"), name]);
}

/**
 * The path of the entry `name` (a name's text, lib/core/name-bytes.ts: its bytes when they
 * are not UTF-8) inside the folder open as `dir`.
 */
const entryPath = (dir: FileHandle, name: string): string | Buffer => {
  const fsName = fsPathOf(name);
  return typeof fsName === "string" ? beneath(dir, fsName) : beneath(dir, fsName);
};

/** Open `name` (a name's text) inside the open folder `dir` (flags: DIR_FLAGS or ENTRY_FLAGS). */
export function openIn(dir: FileHandle, name: string, flags: number): Promise<FileHandle> {
  if (name === "" || name === "." || name === ".." || name.includes("/")) {
    return Promise.reject(Object.assign(new Error(`not a single path component: ${JSON.stringify(name)}`), { code: "EINVAL" }));
  }
  return fs.promises.open(entryPath(dir, name), flags);
}

/** The texts of the names in the open folder `dir` (every name, UTF-8 or not: lib/core/name-bytes.ts), sorted. */
export async function namesIn(dir: FileHandle): Promise<string[]> {
  return (await fs.promises.readdir(opened(dir), { encoding: "buffer" })).map(pathTextOf).sort();
}

/** lstat of `name` (a name's text) inside the open folder `dir`: the entry itself, never a link followed. */
export const lstatIn = (dir: FileHandle, name: string): Promise<fs.Stats> => fs.promises.lstat(entryPath(dir, name));

/** An entry opened by openNamed: its handle, and its fstat with the link count of its name. */
export interface OpenedEntry {
  handle: FileHandle;
  stat: fs.Stats;
}

/** Thrown (code CHANGED) when a name no longer leads to the file just opened through it. */
export const CHANGED = "CHANGED";

/**
 * Open `name` in `dir` and stat it, with `stat.nlink` read from the name itself, after
 * the open: lstat of a name gives which file it leads to and that file's link count. A
 * job can take away a second name (a hard link to a file outside) between our open and
 * our fstat, then give it back; but while the name still leads to the file we hold, a
 * file with a name outside has two. Not quite at one instant, though: while a rename
 * replaces the name (`mv new h` over a hard link `h`), the file being replaced has
 * already lost that link when a lookup may still find it under `h` (the kernel moves
 * the name after the filesystem's rename; seen once in a full test run, a file outside
 * served). So the name is looked up twice, around the fstat, back to back (synchronous
 * calls: no thread-pool gap between them): both must lead to the file held, and the
 * largest link count of the three is the one judged. Being fooled would take that
 * fleeting state at both lookups, with a new hard link made in the microseconds between.
 */
export async function openNamed(dir: FileHandle, name: string, flags: number): Promise<OpenedEntry> {
  const handle = await openIn(dir, name, flags);
  try {
    const before = fs.lstatSync(entryPath(dir, name));
    const stat = fs.fstatSync(handle.fd);
    const after = fs.lstatSync(entryPath(dir, name));
    if (!sameFile(before, stat) || !sameFile(after, stat)) {
      throw Object.assign(new Error(`${name} was replaced while it was opened`), { code: CHANGED });
    }
    stat.nlink = Math.max(before.nlink, stat.nlink, after.nlink);
    return { handle, stat };
  } catch (error) {
    await handle.close();
    throw error;
  }
}

const sameFile = (a: fs.Stats, b: fs.Stats) => a.ino === b.ino && a.dev === b.dev;

/**
 * Open `segments` below the folder `base` (a trusted path: QueueManager's own), each
 * component with O_NOFOLLOW, the last with `lastFlags` through openNamed. The caller
 * closes the handle. Errors are the system's (ELOOP: a symlink on the way; ENOENT,
 * ENOTDIR...) or CHANGED.
 */
export async function openBeneath(base: string, segments: string[], lastFlags: number): Promise<OpenedEntry> {
  let current = await fs.promises.open(base, O_RDONLY | O_DIRECTORY);
  try {
    for (const name of segments.slice(0, -1)) {
      const next = await openIn(current, name, DIR_FLAGS);
      await current.close();
      current = next;
    }
    if (!segments.length) return { handle: current, stat: await current.stat() };
    const opened = await openNamed(current, segments[segments.length - 1], lastFlags);
    await current.close();
    return opened;
  } catch (error) {
    await current.close();
    throw error;
  }
}
