/**
 * Pool uids are shared by every QueueManager on the machine (each reads the same Job_Uids
 * default), so a worker claims a uid machine-wide before a run gets it: a file named after
 * the uid in a root-only folder, created exclusively, naming the holding worker (pid, start
 * time, and a nonce per worker). Without it two workers could pick the same free uid, or
 * one's end-of-run `kill -1` as that uid could reach the other's new run.
 *
 * A worker keeps its claims while it runs (a released uid goes back to its own pool, to be
 * reused once its temporary files are gone) and gives back the idle ones when it stops. A claim whose worker is gone is stale and may
 * be taken over; a uid without any claim is always preferred, so a takeover happens only
 * when the pool is otherwise full, or for a run a restarted worker adopts.
 */
import crypto from "node:crypto";
import fs from "node:fs";
import path from "node:path";
import { isRunAlive, processStartTime } from "./run-watch";

export const DEFAULT_CLAIMS_DIR = "/run/qm-job-uids";

export interface UidClaims {
  /** Claim `uid` for this worker: false when a live worker holds it. */
  claim(uid: number, opts?: { takeOverStale?: boolean }): boolean;
  /** Whether any claim file, live or stale, exists for `uid`. */
  claimed(uid: number): boolean;
  /** Give `uid` back: no run of this worker uses it any more. */
  release(uid: number): void;
}

export function createUidClaims(dir: string = DEFAULT_CLAIMS_DIR): UidClaims {
  fs.mkdirSync(dir, { recursive: true, mode: 0o700 });
  const me = `${process.pid} ${processStartTime(process.pid) ?? "-"} ${crypto.randomBytes(6).toString("hex")}\n`;
  const fileOf = (uid: number) => path.join(dir, String(uid));
  /**
   * The claims this worker made and still holds: claimed again (a released uid reused) with
   * no look at the file. Only a worker that finds this one dead takes a claim over.
   */
  const mine = new Set<number>();
  const took = (uid: number) => {
    mine.add(uid);
    return true;
  };
  const holderOf = (uid: number): string | null => {
    try {
      return fs.readFileSync(fileOf(uid), "utf8");
    } catch {
      return null;
    }
  };
  const isLive = (holder: string) => {
    const [pid, start] = holder.trim().split(" ");
    return isRunAlive(Number(pid), start === "-" ? null : start);
  };
  const create = (uid: number): boolean => {
    try {
      fs.writeFileSync(fileOf(uid), me, { flag: "wx", mode: 0o600 });
      return true;
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === "EEXIST") return false;
      throw error;
    }
  };
  return {
    claim(uid, opts = {}) {
      if (mine.has(uid)) return true;
      if (create(uid)) return took(uid);
      const holder = holderOf(uid);
      if (holder === me) return took(uid);
      if (holder === null || isLive(holder) || !opts.takeOverStale) return false;
      // Stale: its worker is gone. Removed only if it still names that worker, then
      // claimed exclusively like any other (a second worker racing here loses at create).
      if (holderOf(uid) !== holder) return false;
      fs.rmSync(fileOf(uid), { force: true });
      return create(uid) && took(uid);
    },
    claimed: (uid) => fs.existsSync(fileOf(uid)),
    release(uid) {
      mine.delete(uid);
      if (holderOf(uid) === me) fs.rmSync(fileOf(uid), { force: true });
    },
  };
}
