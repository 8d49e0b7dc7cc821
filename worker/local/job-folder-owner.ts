/**
 * A run's folder belongs to the run's identity while it runs, with the group of the service's
 * account (mode 0750: no other job can read or write it, while the web server, which runs
 * as that account with no privilege, shows the running job's log and files), and to the
 * service again once it has ended (so a later run with the same pool uid cannot touch it). Ownership changes walk the tree without following
 * symlinks and leave alone files with several hard links: chown through a hard link would
 * hand over a file that lives elsewhere too.
 */
import fs from "node:fs";
import { loopTurns } from "../../lib/server/loop-turns";
import { DIR_FLAGS, ENTRY_FLAGS, beneath, opened } from "../../lib/server/open-beneath";
import type { JobIdentity } from "./identity";

/**
 * chown every entry under `dir` (and `dir`, then given `topMode`) to uid:gid; returns how
 * many were left alone (hard links). The folder's owner (the lab member who dropped it, or
 * an account of Run_As) may still change it while this runs as root: each entry is opened
 * inside its folder's open descriptor (/proc/self/fd/N/name) with O_NOFOLLOW and changed
 * through its own descriptor, so a folder swapped for a symlink meanwhile is never walked
 * into and a file swapped for one is never chowned through it.
 */
export async function chownTree(dir: string, uid: number, gid: number, topMode?: number): Promise<number> {
  let skipped = 0;
  const turns = loopTurns();
  const own = (fd: number, st: fs.Stats) => {
    if (st.uid !== uid || st.gid !== gid) fs.fchownSync(fd, uid, gid);
  };
  const walk = async (folder: number) => {
    // As bytes: an entry whose name is not UTF-8 is handed over too.
    for (const name of fs.readdirSync(opened(folder), { encoding: "buffer" })) {
      // 20 us an entry: a million files would hold the worker for 20 s (lib/server/loop-turns.ts).
      const turn = turns();
      if (turn) await turn;
      const inside = beneath(folder, name);
      let fd: number;
      try {
        fd = fs.openSync(inside, ENTRY_FLAGS);
      } catch (error) {
        const code = (error as NodeJS.ErrnoException).code;
        // A symlink (ELOOP) or a socket (ENXIO): the entry itself, its name never followed.
        if (code === "ELOOP" || code === "ENXIO") fs.lchownSync(inside, uid, gid);
        else if (code !== "ENOENT") throw error; // ENOENT: removed meanwhile
        continue;
      }
      try {
        const st = fs.fstatSync(fd);
        if (!st.isDirectory() && st.nlink > 1) skipped++;
        else {
          own(fd, st);
          if (st.isDirectory()) await walk(fd);
        }
      } finally {
        fs.closeSync(fd);
      }
    }
  };
  const top = fs.openSync(dir, DIR_FLAGS);
  try {
    own(top, fs.fstatSync(top));
    if (topMode !== undefined) fs.fchmodSync(top, topMode);
    await walk(top);
  } finally {
    fs.closeSync(top);
  }
  return skipped;
}

/**
 * Give the folder to the run's identity, with the service's group: jobs run with their own
 * gid and no supplementary group, so that group is never theirs and the folder (0750) is
 * closed to other jobs, while the web server enters it and reads what the job wrote with
 * the usual umask (0022: world-readable behind that gate). No setgid bit: the worker unit's
 * RestrictSUIDSGID refuses it. `serviceGid` null (a job could have that group: see
 * IdentityPool.mayRunWithGid): the folder is the run's alone (0700), as only root reads it.
 */
export async function handOver(dir: string, identity: JobIdentity, serviceGid: number | null): Promise<void> {
  await chownTree(dir, identity.uid, serviceGid ?? identity.gid, serviceGid === null ? 0o700 : 0o750);
}

/** Take the folder back for the service once the run has ended; readable by the lab as before. */
export async function takeBack(dir: string, owner: { uid: number; gid: number }): Promise<void> {
  if (!fs.existsSync(dir)) return;
  await chownTree(dir, owner.uid, owner.gid, 0o755);
}
