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
 */
import fs from "node:fs";
import type { FileHandle } from "node:fs/promises";
import { AppError } from "../../core/app-error";
import { formatBytes } from "../../core/format";
import { loopTurns } from "../loop-turns";
import { DIR_FLAGS, ENTRY_FLAGS, beneath, childPath, opened } from "../open-beneath";

/** Bytes of the regular files in a folder tree (links not followed). */
export async function folderBytes(dir: string | Buffer, turns = loopTurns()): Promise<number> {
  let total = 0;
  for (const entry of fs.readdirSync(dir, { withFileTypes: true, encoding: "buffer" })) {
    const turn = turns(); // the web server's other requests go on while a large folder is counted
    if (turn) await turn;
    const full = childPath(dir, entry.name);
    if (entry.isDirectory()) total += await folderBytes(full, turns);
    else if (entry.isFile()) total += fs.lstatSync(full).size;
  }
  return total;
}

/**
 * Copy `src` to `dest` (which must not exist) as described above. A folder dropped into
 * QM_qJobs is still its dropper's while the worker (root) copies it, and so is a finished
 * job's folder the retention pass archives to another disk: each entry is opened inside
 * its folder's descriptor with O_NOFOLLOW and copied from that descriptor, so a file or
 * folder swapped for a symlink meanwhile is never read through it (the copy would hold
 * what it points to). An entry gone or swapped meanwhile is left out. `keepTimes`: files,
 * folders and links keep their access and modification times (an archive's copy).
 * Asynchronous, so that a large copy does not hold up the process's other work.
 */
export async function copyJobFolder(src: string, dest: string, options: { keepTimes?: boolean } = {}): Promise<void> {
  const top = await fs.promises.open(src, DIR_FLAGS);
  try {
    await copyFolder(top.fd, dest, options.keepTimes === true);
  } finally {
    await top.close();
  }
}

async function copyFolder(folder: number, dest: string | Buffer, keepTimes: boolean): Promise<void> {
  const self = fs.fstatSync(folder);
  await fs.promises.mkdir(dest, { mode: self.mode & 0o7777 });
  // Names as bytes: a file whose name is not UTF-8 is copied too.
  for (const entry of await fs.promises.readdir(opened(folder), { withFileTypes: true, encoding: "buffer" })) {
    const from = beneath(folder, entry.name);
    const to = childPath(dest, entry.name);
    // readlink never follows the link it reads.
    if (entry.isSymbolicLink()) {
      try {
        const target = await fs.promises.readlink(from);
        const st = keepTimes ? await fs.promises.lstat(from) : null;
        await fs.promises.symlink(target, to);
        if (st) await fs.promises.lutimes(to, st.atime, st.mtime);
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
      if (st.isDirectory()) await copyFolder(handle.fd, to, keepTimes);
      // The magic link of the descriptor is the file opened, not a name looked up again.
      else if (st.isFile()) {
        await fs.promises.copyFile(opened(handle), to, fs.constants.COPYFILE_FICLONE | fs.constants.COPYFILE_EXCL);
        if (keepTimes) await fs.promises.utimes(to, st.atime, st.mtime);
      }
    } finally {
      await handle.close();
    }
  }
  // After its entries: making them changed the folder's own time.
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
