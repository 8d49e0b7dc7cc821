/**
 * Who a job runs as. A worker running as root (as slurmd does) never runs a job with its
 * own privileges: each run gets an unprivileged identity, either the owner's own Unix
 * account when `Run_As` maps the owner to one, or a uid of the `Job_Uids` pool that no
 * other running job holds and that no account in /etc/passwd uses (so every process with
 * that uid belongs to this run: the run can be stopped whole, daemons included). A worker
 * that is not root cannot change identity: jobs then share its privileges, which the
 * start line and the dashboard say.
 */
import fs from "node:fs";
import { parseUidRange } from "../../lib/core/job-uids";
import { parseRunAs, runAsAccountFor } from "../../lib/core/run-as";
import { TEMP_FOLDERS, processUids, removeIpcObjectsOf, removeTempFilesOf, tempFoldersUnchangedSince } from "./uid-traces";
import { createUidClaims, type UidClaims } from "./uid-claims";

export interface JobIdentity {
  uid: number;
  gid: number;
  /** The account name, or qm-job-<uid> for a pool uid. */
  name: string;
  /** A pool uid belongs to this run alone: its processes are the run's. */
  exclusive: boolean;
  /** A Run_As account's home folder (/etc/passwd): its jobs' HOME, as a login gives it. A pool uid has none: its jobs' HOME is their folder. */
  home?: string;
}

export type Isolation = "uid" | "none";

/**
 * No pool uid is free now, but one of this worker's comes back: a running job's, when its run
 * ends, or a released one's, once its temporary files are swept (~1 s). The job waits for it.
 */
export interface UidWait {
  /** Why, in words for the log. */
  wait: string;
  /** Resolves when one of this worker's uids is free again (or retired: the pool shrank). */
  freed: Promise<void>;
}

interface PasswdEntry {
  name: string;
  uid: number;
  gid: number;
  home: string;
}

/** How far back a uid's hand-out is dated when judging what changed since (file times and Date.now() may step apart). */
const CLOCK_MARGIN_MS = 1_000;

/** The accounts of /etc/passwd, read again only when the file changed (every start asks). */
let passwdCache: { stamp: string; entries: PasswdEntry[] } | null = null;

function readPasswd(): PasswdEntry[] {
  try {
    const st = fs.statSync("/etc/passwd", { bigint: true });
    // An edit replaces the file (new inode) or rewrites it (new mtime or size).
    const stamp = `${st.ino}:${st.mtimeNs}:${st.size}`;
    if (passwdCache?.stamp === stamp) return passwdCache.entries;
    const entries = fs.readFileSync("/etc/passwd", "utf8").split("\n").filter((l) => l && !l.startsWith("#")).map((line) => {
      const [name, , uid, gid, , home] = line.split(":");
      return { name, uid: Number(uid), gid: Number(gid), home: home ?? "" };
    });
    passwdCache = { stamp, entries };
    return entries;
  } catch {
    return [];
  }
}

/** A pool uid's identity: its own gid, a name made from it, and the uid to itself. */
const poolIdentity = (uid: number): JobIdentity => ({ uid, gid: uid, name: `qm-job-${uid}`, exclusive: true });

export interface IdentityPool {
  readonly isolation: Isolation;
  /**
   * An identity for a run, or null when jobs share the worker's: the account Run_As names
   * for the first of `keys` it knows (lib/core/run-as.ts says which names a job has), else a pool uid.
   * A UidWait when the pool is only momentarily empty (one of this worker's uids comes back);
   * throws when it truly is (retired, accounts, other processes or other workers hold the rest).
   */
  claim(keys: readonly string[]): JobIdentity | null | UidWait;
  /** Give back an identity that no run used (the job did not start after all): free again at once. */
  unclaim(identity: JobIdentity): void;
  /** Whether `uid` is of the `Job_Uids` pool: whatever it owns, jobs made. */
  isPoolUid(uid: number): boolean;
  /** Whether a run may get `gid` as its group: a pool uid's (gid = uid) or a Run_As account's primary group. */
  mayRunWithGid(gid: number): boolean;
  /** Mark an identity as held (a run adopted after a restart). */
  hold(identity: JobIdentity): void;
  /** Who a run found running as `uid` runs as (adopted before its identity was written). */
  identityOf(uid: number): JobIdentity;
  release(identity: JobIdentity): void;
  /**
   * Never hand out this pool uid again (until the worker restarts): what its run left could
   * not be taken back or swept, so files of it may remain where the next run would use them.
   */
  retire(identity: JobIdentity, why: string): void;
  /** The worker stops: other QueueManagers may have the uids no running job holds, once cleaned. */
  close(): Promise<void>;
}

/** `tempFolders`: where runs' temporary files are looked for (tests give folders of their own). */
export function createIdentityPool(settings: { jobUids: string; runAs: string; claimsDir?: string; tempFolders?: string[] }, log: (m: string) => void): IdentityPool {
  const tempFolders = settings.tempFolders ?? TEMP_FOLDERS;
  const isRoot = process.getuid?.() === 0;
  // Machine-wide claims: other QueueManagers on this machine draw from the same uids.
  const claims: UidClaims | null = isRoot ? createUidClaims(settings.claimsDir) : null;
  const held = new Set<number>();
  /** When each pool uid held now was handed out (Date.now() - a margin for the clocks' steps). */
  const heldSince = new Map<number, number>();
  /** Pool uids released after their run was cleaned up: known to have no process, reused without a look at /proc. */
  const clean = new Set<number>();
  /** Released pool uids whose files in /tmp, /var/tmp and /dev/shm are still to be removed (in batches). */
  const dirty = new Set<number>();
  /**
   * Released uids whose files a sweep is removing now: not free either until it is done (a
   * run given one meanwhile could have the files it just made removed by that sweep).
   */
  const sweepingUids = new Set<number>();
  /** Pool uids whose run's folder or temporary files could not be cleaned: never handed out again by this worker. */
  const retired = new Set<number>();
  /** Starts that wait for a uid, told when one of ours is free again (or retired). */
  let freed: { promise: Promise<void>; resolve: () => void } | undefined;
  const uidFreed = () => {
    if (!freed) {
      let resolve!: () => void;
      const promise = new Promise<void>((r) => (resolve = r));
      freed = { promise, resolve };
    }
    return freed.promise;
  };
  const announceFreed = () => {
    freed?.resolve();
    freed = undefined;
  };
  const retire = (uid: number, why: string) => {
    if (!retired.has(uid)) log(`uid ${uid} is not used again by this worker: ${why}`);
    retired.add(uid);
    announceFreed();
  };
  let sweeping: NodeJS.Timeout | undefined;
  let sweeps: Promise<void> = Promise.resolve();
  const sweepDirty = () => {
    sweeping = undefined;
    const uids = new Set(dirty);
    dirty.clear();
    for (const uid of uids) sweepingUids.add(uid);
    const failed = new Set<number>();
    const sweep = removeTempFilesOf(uids, tempFolders, (uid, file, error) => {
      failed.add(uid);
      retire(uid, `its file ${file} could not be removed (${error.message})`);
    })
      .catch((error) => {
        for (const uid of uids) failed.add(uid);
        log(`could not remove the temporary files of released uids: ${(error as Error).message}`);
      })
      .then(() => {
        for (const uid of uids) {
          sweepingUids.delete(uid);
          if (failed.has(uid)) retire(uid, "its temporary files could not all be removed");
          else clean.add(uid);
        }
        announceFreed();
      });
    sweeps = sweeps.then(() => sweep);
  };
  const [low, high] = parseUidRange(settings.jobUids);
  // One pass over /proc serves the claims of a burst (a second); our own runs' uids are in `held`.
  let inUse: { at: number; uids: Set<number> } | undefined;
  const uidsInUse = () => {
    if (!inUse || Date.now() - inUse.at > 1_000) inUse = { at: Date.now(), uids: processUids() };
    return inUse.uids;
  };
  const runAs = parseRunAs(settings.runAs);
  return {
    isolation: isRoot ? "uid" : "none",
    isPoolUid: (uid) => uid >= low && uid <= high,
    mayRunWithGid(gid) {
      if (gid >= low && gid <= high) return true;
      const accounts = new Set(runAs.values());
      return readPasswd().some((e) => accounts.has(e.name) && e.gid === gid);
    },
    claim(keys) {
      if (!isRoot) return null;
      const passwd = readPasswd();
      const named = runAsAccountFor(runAs, keys);
      if (named) {
        const { owner, account } = named;
        const entry = passwd.find((e) => e.name === account);
        if (entry && entry.uid !== 0) return { uid: entry.uid, gid: entry.gid, name: entry.name, exclusive: false, ...(entry.home ? { home: entry.home } : {}) };
        log(`Run_As names "${account}" for ${owner}, but ${entry ? "that is root" : "there is no such account"}; the job runs as a pool uid instead`);
      }
      const take = (uid: number) => {
        held.add(uid);
        heldSince.set(uid, Date.now() - CLOCK_MARGIN_MS);
        return poolIdentity(uid);
      };
      // Our own released uids are still claimed by us and known to be clean.
      for (const uid of clean) {
        clean.delete(uid);
        if (claims?.claim(uid)) return take(uid);
      }
      const taken = new Set(passwd.map((e) => e.uid));
      const used = uidsInUse();
      // Not an account, not ours (running, or its temporary files being removed), no process
      // uses it, and claimed by no other worker (or, on a second pass, only by a dead one).
      const free = (uid: number) => !held.has(uid) && !dirty.has(uid) && !sweepingUids.has(uid) && !retired.has(uid) && !taken.has(uid) && !used.has(uid);
      for (let uid = low; uid <= high; uid++) {
        if (free(uid) && !claims?.claimed(uid) && claims?.claim(uid)) return take(uid);
      }
      for (let uid = low; uid <= high; uid++) {
        if (free(uid) && claims?.claim(uid, { takeOverStale: true })) return take(uid);
      }
      // None free now: the job waits if one of ours comes back (a run ends, a sweep is over).
      const back = (uids: Set<number>) => [...uids].filter((uid) => uid >= low && uid <= high && !retired.has(uid) && !taken.has(uid)).length;
      const running = back(held);
      const swept = back(dirty) + back(sweepingUids);
      if (running + swept > 0) {
        const why = [...(running ? [`${running} held by running jobs`] : []), ...(swept ? [`${swept} having their temporary files removed`] : [])].join(", ");
        return { wait: `no uid of Job_Uids (${low}-${high}) is free now (${why}): the job starts when one is`, freed: uidFreed() };
      }
      const gone = [...retired].filter((uid) => uid >= low && uid <= high).length;
      const why = gone ? `; ${gone} of them ${gone === 1 ? "is" : "are"} not used again by this worker (its log says why)` : "";
      throw new Error(`every uid of Job_Uids (${low}-${high}) is held by a running job (of this or another QueueManager on this machine)${why}; widen the range`);
    },
    unclaim(identity) {
      held.delete(identity.uid);
      heldSince.delete(identity.uid);
      if (!identity.exclusive || identity.uid < low || identity.uid > high || retired.has(identity.uid)) return;
      // Nothing ran as it since its claim: as clean as it was, and still ours.
      clean.add(identity.uid);
      announceFreed();
    },
    identityOf(uid) {
      if (uid >= low && uid <= high) return poolIdentity(uid);
      const entry = readPasswd().find((e) => e.uid === uid);
      return { uid, gid: entry?.gid ?? uid, name: entry?.name ?? `uid ${uid}`, exclusive: false };
    },
    hold(identity) {
      if (!identity.exclusive) return;
      held.add(identity.uid);
      // Adopted after a restart: the claim names the worker that died.
      if (claims && !claims.claim(identity.uid, { takeOverStale: true })) log(`uid ${identity.uid} of an adopted run is claimed by another live QueueManager on this machine`);
    },
    release(identity) {
      held.delete(identity.uid);
      const since = heldSince.get(identity.uid);
      heldSince.delete(identity.uid);
      if (!identity.exclusive || identity.uid < low || identity.uid > high) return;
      // Its System V IPC objects outlive it and are no file of the temporary folders.
      removeIpcObjectsOf(new Set([identity.uid]));
      // Nothing was made in the temporary folders while it ran: nothing of it can be there,
      // and it is clean at once (reused with no file touched). Else swept first.
      if (since !== undefined && tempFoldersUnchangedSince(since, tempFolders)) {
        clean.add(identity.uid);
        announceFreed();
        return;
      }
      // One pass over the temporary folders for every uid released within a second,
      // rather than one per run; a uid is reused only once its files are gone.
      dirty.add(identity.uid);
      sweeping ??= setTimeout(sweepDirty, 1_000);
      sweeping.unref();
    },
    retire(identity, why) {
      held.delete(identity.uid);
      heldSince.delete(identity.uid);
      if (identity.exclusive && identity.uid >= low && identity.uid <= high) retire(identity.uid, why);
    },
    async close() {
      if (sweeping) clearTimeout(sweeping);
      await sweeps;
      await removeTempFilesOf(dirty, tempFolders);
      for (const uid of [...clean, ...dirty]) claims?.release(uid);
      clean.clear();
      dirty.clear();
    },
  };
}
