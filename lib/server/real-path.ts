/**
 * Where a configured path really leads, for checks of places (Archive_Folder): every
 * symbolic link on the way resolved, including a last one that points at nothing yet (the
 * retention pass's mkdir would make that target), and the parts that do not exist yet kept
 * as written. fs.realpathSync fails on a path that does not exist, and resolving only its
 * nearest existing parent would miss a dangling link: /srv/archive -> /etc/qm-archive.
 *
 * The same walk says who besides the service could change where the path leads: the
 * retention pass moves folders into Archive_Folder as root, so a folder on the way that
 * another account may write in (to swap a link, or rename a folder) would let that account
 * send them into /etc after every check. As OpenSSH's StrictModes judges a home folder: each
 * folder looked in, and the archive itself, must belong to root (or the account the service
 * runs as) and be writable by it alone (or root's group); in a folder everyone may write in
 * with the sticky bit (/tmp), the entry looked up must be root's, since only its owner may
 * then rename or remove it.
 */
import fs from "node:fs";
import path from "node:path";
import { describeUid } from "./system-accounts";

/** As the kernel allows (MAXSYMLINKS): past it a path is a loop. */
const MAX_LINKS = 40;

export interface PathWalk {
  /** `absolute` with its links resolved; a path that cannot be read further (a loop, no permission) is kept from there as written. */
  real: string;
  /** Who besides the service could change where it leads, in words ("/home/alice belongs to alice (uid 1000)"), or null. */
  openTo: string | null;
}

/**
 * The accounts trusted with the path: root and the one that moves folders there. By
 * default the one this process runs as (the worker judging for itself); the web server,
 * another account under a root worker, judges for that worker: root alone.
 */
export function trustedUids(workerIsRoot?: boolean): Set<number> {
  return workerIsRoot ? new Set([0]) : new Set([0, process.geteuid?.() ?? 0]);
}

type Owned = Pick<fs.Stats, "uid" | "gid" | "mode">;

/** Who besides the trusted could write in `folder` (its owner, its group, everyone), or null. */
function openFolder(folder: string, stat: Owned, trusted: Set<number>): string | null {
  if (!trusted.has(stat.uid)) return `${folder} belongs to ${describeUid(stat.uid)}`;
  if (stat.mode & 0o020 && stat.gid !== 0) return `${folder} is writable by its group (gid ${stat.gid})`;
  if (stat.mode & 0o002) return `${folder} is writable by everyone`;
  return null;
}

/** Who besides the trusted could change `entry`, looked up in `folder` (lstat'ed as `entryStat`, null when absent), or null. */
function openEntry(folder: string, folderStat: Owned, entry: string, entryStat: Owned | null, trusted: Set<number>): string | null {
  // Sticky (/tmp): everyone may add entries, but only an entry's owner (or the folder's) may rename or remove it.
  const forAll = (folderStat.mode & 0o1002) === 0o1002;
  const open = openFolder(folder, forAll ? { uid: folderStat.uid, gid: folderStat.gid, mode: folderStat.mode & ~0o002 } : folderStat, trusted);
  if (open || !forAll) return open;
  if (!entryStat) return `${entry} is not there yet, and anyone may create it first in ${folder}, a folder everyone may write in`;
  if (!trusted.has(entryStat.uid)) return `${entry} belongs to ${describeUid(entryStat.uid)} in ${folder}, a folder everyone may write in`;
  return null;
}

/** Resolve `absolute` (see above) and, given the accounts `trusted`, find the first place another account could change it. */
export function walkPath(absolute: string, trusted?: Set<number>): PathWalk {
  let openTo: string | null = null;
  let links = 0;
  let resolved = "/";
  const parts = absolute.split("/").filter(Boolean);
  const look = (folder: string, entry: string, entryStat: fs.Stats | null) => {
    if (!trusted || openTo) return;
    try {
      openTo = openEntry(folder, fs.statSync(folder), entry, entryStat, trusted);
    } catch {
      // Not ours to look into: the walk stops there anyway.
    }
  };
  while (parts.length) {
    const part = parts.shift()!;
    if (part === ".") continue;
    if (part === "..") {
      resolved = path.dirname(resolved);
      continue;
    }
    const next = path.join(resolved, part);
    let stat: fs.Stats;
    try {
      stat = fs.lstatSync(next);
    } catch {
      // Not there (yet), or not ours to look into: the rest stays as written.
      look(resolved, next, null);
      return { real: path.join(next, ...parts), openTo };
    }
    look(resolved, next, stat);
    const target = stat.isSymbolicLink() ? fs.readlinkSync(next) : null;
    if (target === null || ++links > MAX_LINKS) {
      resolved = next;
      continue;
    }
    // A relative target is read from the link's own folder.
    parts.unshift(...target.split("/").filter(Boolean));
    if (target.startsWith("/")) resolved = "/";
  }
  // The folder itself, where the pass makes and renames its entries: no sticky exception.
  if (trusted && !openTo) {
    try {
      const stat = fs.statSync(resolved);
      if (stat.isDirectory()) openTo = openFolder(resolved, stat, trusted);
    } catch {
      // A loop, or no permission: the pass's own calls will say so.
    }
  }
  return { real: resolved, openTo };
}

/** `absolute` with its links resolved (see above). */
export function realPathOf(absolute: string): string {
  return walkPath(absolute).real;
}
