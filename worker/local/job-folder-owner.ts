/**
 * A run's folder belongs to the run's identity while it runs (mode 0700: no other job can
 * read or write it), and to the service again once it has ended (so a later run with the
 * same pool uid cannot touch it). Ownership changes walk the tree without following
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

/** Give the folder to the run's identity, private to it. */
export function handOver(dir: string, identity: JobIdentity): void {
  chownTree(dir, identity.uid, identity.gid);
  fs.chmodSync(dir, 0o700);
}

/** Take the folder back for the service once the run has ended; readable by the lab as before. */
export function takeBack(dir: string, owner: { uid: number; gid: number }): void {
  if (!fs.existsSync(dir)) return;
  chownTree(dir, owner.uid, owner.gid);
  fs.chmodSync(dir, 0o755);
}
