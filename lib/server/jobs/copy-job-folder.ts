/**
 * One copy of a job folder per array element, each fully its own: the element writes its
 * process.log and results without touching its siblings or the folder submitted.
 *
 * - Files are copied with copy-on-write (`FICLONE`) where the filesystem offers it
 *   (btrfs, XFS, bcachefs...): instant and no extra space until an element changes a
 *   file. Elsewhere (ext4) it is an ordinary copy.
 * - Never hard links: they are cheap, but an element writing into an input file in place
 *   would change that file for every element (and jobs run as root ignore read-only bits).
 * - Symbolic links are recreated as they are: a link to a shared dataset stays a link, so
 *   large read-only inputs can live outside the job folder and cost nothing per element.
 * - Before each copy the free space of the filesystem is checked, so an array too large
 *   for the disk is refused with a clear message instead of filling it.
 * - Never a set-user-ID or set-group-ID bit: root makes the copy, and a copy of a lab
 *   member's (or a job's) setuid file would be root's setuid program with their content.
 *   Each folder stays 0700 until its entries are done, so nobody but root enters it while
 *   a file is still root's.
 */
import fs from "node:fs";
import type { FileHandle } from "node:fs/promises";
import { AppError } from "../../core/app-error";
import { formatBytes } from "../../core/format";
import { loopTurns } from "../loop-turns";
import { DIR_FLAGS, ENTRY_FLAGS, beneath, childPath, opened } from "../open-beneath";

/** Options of copyJobFolder. */
export interface CopyOptions {
  /** Files, folders and links keep their access and modification times (an archive's copy). */
  keepTimes?: boolean;
  /** Every entry keeps its owner and group (an archive's copy: as a rename on one disk would keep them); else root's. */
  keepOwners?: boolean;
}

/**
 * The bytes of a folder tree's regular files and the number of its entries (files and
 * folders: the inodes a copy takes); links are neither followed nor counted.
 */
export async function folderSize(dir: string | Buffer, turns = loopTurns()): Promise<{ bytes: number; entries: number }> {
  let bytes = 0;
  let entries = 0;
  for (const entry of fs.readdirSync(dir, { withFileTypes: true, encoding: "buffer" })) {
    const turn = turns(); // the web server's other requests go on while a large folder is counted
    if (turn) await turn;
    const full = childPath(dir, entry.name);
    if (entry.isDirectory()) {
      const inner = await folderSize(full, turns);
      bytes += inner.bytes;
      entries += inner.entries + 1;
    } else if (entry.isFile()) {
      bytes += fs.lstatSync(full).size;
      entries += 1;
    }
  }
  return { bytes, entries };
}

/**
 * Copy `src` to `dest` (which must not exist) as described above. A folder dropped into
 * QM_qJobs is still its dropper's while the worker (root) copies it, and so is a finished
 * job's folder the retention pass archives to another disk: each entry is opened inside
 * its folder's descriptor with O_NOFOLLOW and copied from that descriptor, so a file or
 * folder swapped for a symlink meanwhile is never read through it (the copy would hold
 * what it points to). An entry gone or swapped meanwhile is left out.
 * Asynchronous, so that a large copy does not hold up the process's other work.
 */
export async function copyJobFolder(src: string, dest: string, options: CopyOptions = {}): Promise<void> {
  const top = await fs.promises.open(src, DIR_FLAGS);
  try {
    await copyFolder(top.fd, dest, options);
  } finally {
    await top.close();
  }
}

/**
 * Give the copy `to` the owner of `st`. Only root may give a file away: a worker that is not
 * root copies files that are all its own anyway (its jobs run as itself), and a stranger's
 * file left in QM_lost+found stays the worker's in the copy rather than stop the archive.
 */
async function keepOwner(to: string | Buffer, st: fs.Stats, chown: typeof fs.promises.chown): Promise<void> {
  try {
    await chown(to, st.uid, st.gid);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== "EPERM") throw error;
  }
}

/** A copy's mode: the original's without set-user-ID and set-group-ID (see the module comment). */
const copyMode = (st: fs.Stats) => st.mode & 0o1777;

async function copyFolder(folder: number, dest: string | Buffer, options: CopyOptions): Promise<void> {
  const { keepTimes, keepOwners } = options;
  const self = fs.fstatSync(folder);
  await fs.promises.mkdir(dest, { mode: 0o700 });
  // Names as bytes: a file whose name is not UTF-8 is copied too.
  for (const entry of await fs.promises.readdir(opened(folder), { withFileTypes: true, encoding: "buffer" })) {
    const from = beneath(folder, entry.name);
    const to = childPath(dest, entry.name);
    // readlink never follows the link it reads.
    if (entry.isSymbolicLink()) {
      try {
        const target = await fs.promises.readlink(from);
        const st = keepTimes || keepOwners ? await fs.promises.lstat(from) : null;
        await fs.promises.symlink(target, to);
        if (st && keepOwners) await keepOwner(to, st, fs.promises.lchown);
        if (st && keepTimes) await fs.promises.lutimes(to, st.atime, st.mtime);
      } catch (error) {
        // Gone or no longer a link meanwhile (EINVAL): left out, as any entry that changed.
        if (!["EINVAL", "ENOENT"].includes((error as NodeJS.ErrnoException).code ?? "")) throw error;
      }
    }
    // Sockets, fifos and devices are not job data: left out.
    if (!entry.isDirectory() && !entry.isFile()) continue;
    let handle: FileHandle;
    try {
      handle = await fs.promises.open(from, entry.isDirectory() ? DIR_FLAGS : ENTRY_FLAGS);
    } catch (error) {
      if (["ELOOP", "ENOTDIR", "ENOENT"].includes((error as NodeJS.ErrnoException).code ?? "")) continue;
      throw error;
    }
    try {
      const st = await handle.stat();
      if (st.isDirectory()) await copyFolder(handle.fd, to, options);
      // The magic link of the descriptor is the file opened, not a name looked up again.
      else if (st.isFile()) {
        await fs.promises.copyFile(opened(handle), to, fs.constants.COPYFILE_FICLONE | fs.constants.COPYFILE_EXCL);
        // copyFile gave it the whole mode, set-ID bits too: taken off before the folder opens.
        if (keepOwners) await keepOwner(to, st, fs.promises.chown);
        await fs.promises.chmod(to, copyMode(st));
        if (keepTimes) await fs.promises.utimes(to, st.atime, st.mtime);
      }
    } finally {
      await handle.close();
    }
  }
  // After its entries: until then the folder is root's alone (0700), and making them changed its time.
  if (keepOwners) await keepOwner(dest, self, fs.promises.chown);
  await fs.promises.chmod(dest, copyMode(self));
  if (keepTimes) await fs.promises.utimes(dest, self.atime, self.mtime);
}

/** Keep this much free after a copy: 1 GiB, or 5% of a small disk. */
function reserveBytes(stats: fs.StatsFs): number {
  return Math.min(1024 ** 3, stats.blocks * stats.bsize * 0.05);
}

/** Throw TOO_LARGE when `bytes` more would leave the disk of `dir` (nearly) full. */
export function checkFreeSpace(dir: string, bytes: number, elements: number): void {
  const stats = fs.statfsSync(dir);
  const free = stats.bavail * stats.bsize;
  if (free - bytes >= reserveBytes(stats)) return;
  throw new AppError(
    "TOO_LARGE",
    `The array needs a copy of its ${formatBytes(bytes)} folder for each of its ${elements} elements, but only ${formatBytes(free)} is free on the disk of QM_FOLDER. ` +
      "Put large read-only inputs outside the job folder and read them by absolute path (or through a symbolic link, which is not copied), or submit fewer elements.",
  );
}
