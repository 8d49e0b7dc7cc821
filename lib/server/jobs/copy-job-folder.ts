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

/** Copy `src` to `dest` (which must not exist) as described above. */
export function copyJobFolder(src: string, dest: string): void {
  fs.mkdirSync(dest, { mode: fs.statSync(src).mode & 0o7777 });
  for (const entry of fs.readdirSync(src, { withFileTypes: true })) {
    const from = path.join(src, entry.name);
    const to = path.join(dest, entry.name);
    if (entry.isDirectory()) copyJobFolder(from, to);
    else if (entry.isFile()) fs.copyFileSync(from, to, fs.constants.COPYFILE_FICLONE | fs.constants.COPYFILE_EXCL);
    else if (entry.isSymbolicLink()) fs.symlinkSync(fs.readlinkSync(from), to);
    // Sockets, fifos and devices are not job data: left out.
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
