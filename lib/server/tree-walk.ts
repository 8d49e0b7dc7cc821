/**
 * A depth-first walk of a folder tree through descriptors, never following a symlink, that
 * keeps at most KEEP_OPEN folders open whatever the depth. A job can make a tree 25,000
 * levels deep in a second; a walk holding one descriptor a level runs out of them (EMFILE)
 * half way, and what it was doing (handing a folder back, sweeping /tmp, emptying the
 * trash) stops there. Past KEEP_OPEN levels the farthest ancestor is closed, and opened
 * again on the way back through its child's `..` (/proc/self/fd/N/..), checked to be the
 * same folder (device and inode): a folder moved meanwhile stops the walk, never leads it
 * elsewhere. Synchronous calls, with a turn of the event loop every 2,000 entries
 * (loop-turns.ts).
 */
import fs from "node:fs";
import { loopTurns } from "./loop-turns";
import { DIR_FLAGS, ENTRY_FLAGS, beneath, opened } from "./open-beneath";

/** Folders open at once, at most, below the top. */
export const KEEP_OPEN = 64;

export interface TreeVisit {
  /** How entries are opened: ENTRY_FLAGS (anything but a symlink) or DIR_FLAGS (folders only). */
  flags?: number;
  /**
   * The entry `name` of the folder open as `parent`, open as `fd` (its fstat `st`), before
   * its content: true to walk into it (a folder). The walk closes `fd`.
   */
  entry(parent: number, name: Buffer, fd: number, st: fs.Stats): boolean;
  /** An entry that could not be opened with `flags`: ELOOP (a symlink), ENXIO (a socket), ENOTDIR (with DIR_FLAGS). */
  unopened?(parent: number, name: Buffer, code: "ELOOP" | "ENXIO" | "ENOTDIR"): void;
  /** A folder walked into, once its content has been walked. */
  left?(parent: number, name: Buffer): void;
}

interface Level {
  /** Its descriptor; null while closed to keep within KEEP_OPEN. */
  fd: number | null;
  dev: number;
  ino: number;
  /** Its name in the level above (unused for the top). */
  name: Buffer;
  names: Buffer[];
  next: number;
}

const list = (fd: number) => fs.readdirSync(opened(fd), { encoding: "buffer" });

/** Walk the folder open as `top` (left open: the caller's), its entries as bytes. */
export async function walkTree(top: number, visit: TreeVisit): Promise<void> {
  const flags = visit.flags ?? ENTRY_FLAGS;
  const turns = loopTurns();
  const topStat = fs.fstatSync(top);
  const stack: Level[] = [{ fd: top, dev: topStat.dev, ino: topStat.ino, name: Buffer.alloc(0), names: list(top), next: 0 }];
  /** The folder above `child` open again through its `..`, or an error if it is no longer the one walked. */
  const reopen = (level: Level, child: number) => {
    const fd = fs.openSync(`${opened(child)}/..`, DIR_FLAGS);
    const st = fs.fstatSync(fd);
    if (st.dev !== level.dev || st.ino !== level.ino) {
      fs.closeSync(fd);
      throw Object.assign(new Error("a folder was moved while it was walked"), { code: "CHANGED" });
    }
    level.fd = fd;
  };
  try {
    while (stack.length) {
      const level = stack[stack.length - 1];
      const here = level.fd!;
      if (level.next === level.names.length) {
        stack.pop();
        const above = stack[stack.length - 1];
        if (!above) break;
        try {
          if (above.fd === null) reopen(above, here);
        } finally {
          fs.closeSync(here);
          level.fd = null;
        }
        visit.left?.(above.fd!, level.name);
        continue;
      }
      const name = level.names[level.next++];
      const turn = turns();
      if (turn) await turn;
      let fd: number;
      try {
        fd = fs.openSync(beneath(here, name), flags);
      } catch (error) {
        const code = (error as NodeJS.ErrnoException).code;
        if (code === "ELOOP" || code === "ENXIO" || code === "ENOTDIR") visit.unopened?.(here, name, code);
        else if (code !== "ENOENT") throw error; // ENOENT: removed meanwhile
        continue;
      }
      let descend = false;
      let st: fs.Stats;
      try {
        st = fs.fstatSync(fd);
        descend = visit.entry(here, name, fd, st) && st.isDirectory();
        if (descend) stack.push({ fd, dev: st.dev, ino: st.ino, name, names: list(fd), next: 0 });
      } finally {
        if (!descend) fs.closeSync(fd);
      }
      // Deeper than KEEP_OPEN: the farthest ancestor still open (never the top) is closed.
      const far = stack[stack.length - 1 - KEEP_OPEN];
      if (descend && far && far.fd !== null && far !== stack[0]) {
        fs.closeSync(far.fd);
        far.fd = null;
      }
    }
  } finally {
    for (const level of stack.slice(1)) if (level.fd !== null) fs.closeSync(level.fd);
  }
}
