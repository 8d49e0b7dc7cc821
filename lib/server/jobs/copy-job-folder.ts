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
import path from "node:path";
import { AppError } from "../../core/app-error";
import { formatBytes } from "../../core/format";
import { DIR_FLAGS, ENTRY_FLAGS, beneath, opened } from "../open-beneath";

/** Bytes of the regular files in a folder tree (links not followed). */
export function folderBytes(dir: string): number {
  let total = 0;
  for (const entry of fs.readdirSync(dir, { withFileTypes: true })) {
    const full = path.join(dir, entry.name);
    if (entry.isDirectory()) total += folderBytes(full);
    else if (entry.isFile()) total += fs.lstatSync(full).size;
  }
  return total;
}

/**
 * Copy `src` to `dest` (which must not exist) as described above. A folder dropped into
 * QM_qJobs is still its dropper's while the worker (root) copies it: each entry is opened
 * inside its folder's descriptor with O_NOFOLLOW and copied from that descriptor, so a
 * file or folder swapped for a symlink meanwhile is never read through it (the element,
 * handed to the run's uid, would hold what it points to). An entry gone or swapped
 * meanwhile is left out.
 */
export function copyJobFolder(src: string, dest: string): void {
  const top = fs.openSync(src, DIR_FLAGS);
  try {
    copyFolder(top, dest);
  } finally {
    fs.closeSync(top);
  }
}

function copyFolder(folder: number, dest: string): void {
  fs.mkdirSync(dest, { mode: fs.fstatSync(folder).mode & 0o7777 });
  for (const entry of fs.readdirSync(opened(folder), { withFileTypes: true })) {
    const from = beneath(folder, entry.name);
    const to = path.join(dest, entry.name);
    // readlink never follows the link it reads.
    if (entry.isSymbolicLink()) fs.symlinkSync(fs.readlinkSync(from), to);
    // Sockets, fifos and devices are not job data: left out.
    if (!entry.isDirectory() && !entry.isFile()) continue;
    let fd: number;
    try {
      fd = fs.openSync(from, entry.isDirectory() ? DIR_FLAGS : ENTRY_FLAGS);
    } catch (error) {
      if (["ELOOP", "ENOTDIR", "ENOENT"].includes((error as NodeJS.ErrnoException).code ?? "")) continue;
      throw error;
    }
    try {
      const st = fs.fstatSync(fd);
      if (st.isDirectory()) copyFolder(fd, to);
      // The magic link of the descriptor is the file opened, not a name looked up again.
      else if (st.isFile()) fs.copyFileSync(opened(fd), to, fs.constants.COPYFILE_FICLONE | fs.constants.COPYFILE_EXCL);
    } finally {
      fs.closeSync(fd);
    }
  }
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
