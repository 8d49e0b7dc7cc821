/**
 * A run's folder belongs to the run's identity while it runs, with the group of the service's
 * account (mode 0750: no other job can read or write it, while the web server, which runs
 * as that account with no privilege, shows the running job's log and files), and to the
 * service again once it has ended (so a later run with the same pool uid cannot touch it). Ownership changes walk the tree without following
 * symlinks and leave alone files with several hard links: chown through a hard link would
 * hand over a file that lives elsewhere too.
 */
import fs from "node:fs";
import path from "node:path";
import type { JobIdentity } from "./identity";

/** chown every entry under `dir` (and `dir`) to uid:gid; returns how many were left alone (hard links). */
export function chownTree(dir: string, uid: number, gid: number): number {
  let skipped = 0;
  const walk = (entry: string) => {
    const st = fs.lstatSync(entry);
    if (st.isSymbolicLink()) return fs.lchownSync(entry, uid, gid);
    if (!st.isDirectory() && st.nlink > 1) {
      skipped++;
      return;
    }
    if (st.uid !== uid || st.gid !== gid) fs.chownSync(entry, uid, gid);
    if (st.isDirectory()) for (const name of fs.readdirSync(entry)) walk(path.join(entry, name));
  };
  walk(dir);
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
export function handOver(dir: string, identity: JobIdentity, serviceGid: number | null): void {
  chownTree(dir, identity.uid, serviceGid ?? identity.gid);
  fs.chmodSync(dir, serviceGid === null ? 0o700 : 0o750);
}

/** Take the folder back for the service once the run has ended; readable by the lab as before. */
export function takeBack(dir: string, owner: { uid: number; gid: number }): void {
  if (!fs.existsSync(dir)) return;
  chownTree(dir, owner.uid, owner.gid);
  fs.chmodSync(dir, 0o755);
}
