/**
 * A run's folder belongs to the run's identity while it runs, with the group of the service's
 * account (mode 0750: no other job can read or write it, while the web server, which runs
 * as that account with no privilege, shows the running job's log and files), and to the
 * service again once it has ended (so a later run with the same pool uid cannot touch it). Ownership changes walk the tree without following
 * symlinks and leave alone files with several hard links: chown through a hard link would
 * hand over a file that lives elsewhere too. Except, on the way back, the run's own: one
 * left the uid's would outlive the run with its set-ID bits (anyone could run it to be that
 * uid while another person's job has it); and another pool uid's, another run's, whose name
 * in the folder is removed (takeBack).
 * On the way back, too, what the run left writable by group or others is no longer: a
 * finished folder is readable by the lab, but its results are changed by the service alone.
 */
import fs from "node:fs";
import { DIR_FLAGS, beneath } from "../../lib/server/open-beneath";
import { walkTree } from "../../lib/server/tree-walk";
import type { JobIdentity } from "./identity";

/** What chownTree may do besides entries with one name. */
export interface ChownOptions {
  /** Mode of `dir` itself once chowned. */
  topMode?: number;
  /** Owners whose files with several names are chowned too (whatever else names them is theirs as well). */
  takesLinkedOf?: (uid: number) => boolean;
  /** Owners whose files with several names keep their owner but lose their set-ID bits. */
  disarmsLinkedOf?: (uid: number) => boolean;
  /** Owners whose files with several names are not the walked folder's to keep: their name there is removed. */
  dropsLinkedOf?: (uid: number) => boolean;
  /** Entries changing owner lose group and other write (the bits that let anyone else change them). */
  closesWrites?: boolean;
}

/** Set-user-ID and set-group-ID: a program that runs as its owner or group, whoever starts it. */
const SET_ID = 0o6000;
/** Group and other write: who besides the owner may change a file, or add and remove a folder's entries. */
const OTHERS_WRITE = 0o022;

/**
 * chown every entry under `dir` (and `dir`, then given `topMode`) to uid:gid; returns how
 * many were left alone (hard links). A file changing owner never keeps a set-ID bit (the
 * kernel clears them on chown, but not a set-group-ID without group execute; said here so
 * it does not depend on that). Modes change only where a bit has to go: the fstat the walk
 * makes anyway tells, so a folder of 0644 files costs no chmod. The folder's owner (the lab
 * member who dropped it, or an account of Run_As) may still change it while this runs as
 * root: each entry is opened inside its folder's open descriptor (/proc/self/fd/N/name)
 * with O_NOFOLLOW and changed through its own descriptor, so a folder swapped for a symlink
 * meanwhile is never walked into and a file swapped for one is never chowned through it.
 */
export async function chownTree(dir: string, uid: number, gid: number, options: ChownOptions = {}): Promise<number> {
  const { topMode, takesLinkedOf = () => false, disarmsLinkedOf = () => false, dropsLinkedOf = () => false, closesWrites = false } = options;
  let skipped = 0;
  /** Clear `bits` of the entry open as `fd`, if it has any of them. */
  const clear = (fd: number, st: fs.Stats, bits: number) => {
    if (st.mode & bits) fs.fchmodSync(fd, st.mode & 0o7777 & ~bits);
  };
  const own = (fd: number, st: fs.Stats) => {
    if (st.uid === uid && st.gid === gid) return;
    fs.fchownSync(fd, uid, gid);
    clear(fd, st, (st.isDirectory() ? 0 : SET_ID) | (closesWrites ? OTHERS_WRITE : 0));
  };
  const top = fs.openSync(dir, DIR_FLAGS);
  try {
    own(top, fs.fstatSync(top));
    if (topMode !== undefined) fs.fchmodSync(top, topMode);
    // As bytes: an entry whose name is not UTF-8 is handed over too; at any depth (tree-walk.ts).
    await walkTree(top, {
      entry(parent, name, fd, st) {
        if (!st.isDirectory() && st.nlink > 1 && !takesLinkedOf(st.uid)) {
          if (dropsLinkedOf(st.uid)) {
            fs.unlinkSync(beneath(parent, name));
            return false;
          }
          skipped++;
          if (disarmsLinkedOf(st.uid)) clear(fd, st, SET_ID);
          return false;
        }
        own(fd, st);
        return true;
      },
      // A symlink (ELOOP) or a socket (ENXIO): the entry itself, its name never followed.
      unopened: (parent, name) => fs.lchownSync(beneath(parent, name), uid, gid),
    });
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
  // A symbolic link put in place of the queued folder after its intake (which takes in
  // none) is renamed on with it; the walk would refuse it too (no step follows a link), but
  // this says what happened.
  if (fs.lstatSync(dir).isSymbolicLink()) throw new Error(`${dir} is a symbolic link, not the job's folder (one was put in place of the queued folder): QueueManager runs no job through a link`);
  await chownTree(dir, identity.uid, serviceGid ?? identity.gid, { topMode: serviceGid === null ? 0o700 : 0o750 });
}

/** Whose files the run's folder may hold with several names, by owner (takeBack). */
export interface RunOwners {
  /** The run's own uid (a pool uid, or an account of its own): its files come back whatever else names them. */
  isRunUid: (uid: number) => boolean;
  /** Pool uids: another's file is another run's, running now (an ended run's are the service's or swept). */
  isPoolUid: (uid: number) => boolean;
  /** The Run_As account the run had, which is a person's (null: none). */
  account: number | null;
}

/**
 * Take the folder back for the service once the run has ended (every process of its uid is
 * gone by then); readable by the lab as before, writable by the service alone: what the
 * run made writable by group or others (0666, a 0777 folder) loses those bits, or any lab
 * member could change another person's results in QM_dJobs. Files with several names: the
 * run's own come back too (set-ID bits gone). Another pool uid's is another run's, running
 * now, that this run linked in (a world-writable file of it in /tmp): taking it would
 * take it from that run, and leaving it would leave that uid's file in QM_dJobs, so its name
 * here is removed. Another account's (a Run_As owner's, root's) stay as they are: their other
 * names may be anywhere, and handing those over is what the rule on hard links prevents.
 * Only `account`'s (the Run_As account the run had) lose their set-ID bits, which it could
 * have cleared itself: else its program would stay in the finished folder for anyone to run
 * as that account.
 */
export async function takeBack(dir: string, owner: { uid: number; gid: number }, owners: RunOwners): Promise<void> {
  // Gone, or not a folder (a symbolic link handOver refused): nothing there is the run's.
  if (!fs.lstatSync(dir, { throwIfNoEntry: false })?.isDirectory()) return;
  await chownTree(dir, owner.uid, owner.gid, {
    topMode: 0o755,
    takesLinkedOf: owners.isRunUid,
    dropsLinkedOf: (uid) => owners.isPoolUid(uid) && !owners.isRunUid(uid),
    disarmsLinkedOf: (uid) => uid === owners.account,
    closesWrites: true,
  });
}

/**
 * Close a run's folder to everyone but root (root's, mode 0700), when it could not be taken
 * back: whatever the run's uid still owns inside is out of reach. False if that failed too.
 */
export function closeToAllButRoot(dir: string): boolean {
  let fd: number | undefined;
  try {
    fd = fs.openSync(dir, DIR_FLAGS);
    fs.fchownSync(fd, 0, 0);
    fs.fchmodSync(fd, 0o700);
    return true;
  } catch {
    return false;
  } finally {
    if (fd !== undefined) fs.closeSync(fd);
  }
}
