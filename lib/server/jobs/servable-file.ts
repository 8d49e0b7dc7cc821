/**
 * Which files of a job folder QueueManager serves (file view, downloads, zips, the log),
 * judged on the open descriptor's fstat, so that what is judged is what is read:
 *
 * - a regular file (not a folder, FIFO, socket or device);
 * - with one name: a hard link made by a job (`ln /etc/shadow x`) is the very file it
 *   names elsewhere, and no path check can tell;
 * - owned by an allowed user: QueueManager's own uid, the job folder's owner (who put
 *   the job there) and the uid the job ran as (Job.runInfo.uid, when the worker runs
 *   jobs as their own identity), with root then: that worker is root and writes the
 *   running job's process.log (the web server runs as another account, docs/deploy.md);
 * - not sparse: a file of 1 TB of holes takes no disk but would cost the server reading
 *   (and compressing) 1 TB of zeros. At 1 MiB or more, a file with less than half of
 *   its length on disk is refused. (Filesystems that compress, such as btrfs or ZFS with
 *   compression on, may make a very compressible file look sparse.)
 */
import type fs from "node:fs";
import { formatBytes } from "../../core/format";

const SPARSE_MIN_BYTES = 1024 * 1024;

export function isSparse(stat: fs.Stats): boolean {
  return stat.size >= SPARSE_MIN_BYTES && stat.blocks * 512 < stat.size / 2;
}

/** Why this file is not served (a phrase after its name), or null when it is. */
export function refusalOf(stat: fs.Stats, owners: readonly number[]): string | null {
  if (stat.isDirectory()) return "is a folder, not a file";
  if (!stat.isFile()) return "is not a regular file (a pipe, socket or device)";
  if (stat.nlink > 1) return `has ${stat.nlink} names (hard links); only files with one name are served, since another name may lie outside the job folder`;
  if (!owners.includes(stat.uid)) return `belongs to user id ${stat.uid}, who is neither the job's user nor QueueManager`;
  if (isSparse(stat)) {
    return `is a sparse file (${formatBytes(stat.size)} long, ${formatBytes(stat.blocks * 512)} on disk); it is not served, since reading its holes would cost the server for nothing`;
  }
  return null;
}

/** The uids whose files are served from a job folder (see the module comment). */
export function allowedOwners(folderUid: number, runInfo: string | null): number[] {
  const owners = [process.getuid?.() ?? 0, folderUid];
  try {
    const uid = (JSON.parse(runInfo ?? "null") as { uid?: unknown } | null)?.uid;
    if (typeof uid === "number" && Number.isInteger(uid) && uid >= 0) owners.push(uid, 0);
  } catch {
    // runInfo is the executor's JSON; unreadable means no run identity to add.
  }
  return [...new Set(owners)];
}
