/**
 * One worker per QM_FOLDER: `.qm/worker.lock` holds the owner's pid and host. A lock
 * whose process is gone (or a zombie) on this host is taken over.
 */
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { isProcessAlive } from "./local/process-tree";

export interface WorkerLock {
  /** True when the previous worker did not release the lock: it died (crash, SIGKILL, power cut). */
  readonly previousCrashed: boolean;
  release(): void;
}

export function acquireWorkerLock(internalDir: string): WorkerLock {
  const file = path.join(internalDir, "worker.lock");
  const me = JSON.stringify({ pid: process.pid, host: os.hostname(), since: new Date().toISOString() });
  let previousCrashed = false;
  for (let attempt = 0; attempt < 2; attempt++) {
    try {
      fs.writeFileSync(file, me, { flag: "wx" });
      return {
        previousCrashed,
        release() {
          try {
            const owner = JSON.parse(fs.readFileSync(file, "utf8")) as { pid: number };
            if (owner.pid === process.pid) fs.rmSync(file, { force: true });
          } catch {
            // Already gone: nothing to release.
          }
        },
      };
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== "EEXIST") throw error;
      let owner: { pid?: number; host?: string; since?: string } = {};
      try {
        owner = JSON.parse(fs.readFileSync(file, "utf8"));
      } catch {
        // An unreadable lock (torn write) is stale.
      }
      const sameHost = owner.host === os.hostname();
      if (owner.pid && (!sameHost || isProcessAlive(owner.pid))) {
        throw new Error(
          `another QueueManager worker (pid ${owner.pid} on ${owner.host}, since ${owner.since}) already runs on this QM_FOLDER; ` +
            `stop it first, or remove ${file} if that process no longer exists`,
        );
      }
      fs.rmSync(file, { force: true });
      previousCrashed = true;
    }
  }
  throw new Error(`could not take the worker lock ${file}`);
}
