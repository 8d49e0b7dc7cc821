/**
 * QueueManager's own files are not for jobs to read: at start both programs (the web server
 * may create the database and QMserv.cfg before the worker first runs) set the modes
 * that keep a job (an unprivileged identity, worker/local/identity.ts) out of the database,
 * QMserv.cfg (smtp_password) and `.qm/` (exit records, uploads being staged, the lock), and
 * lets it reach only its own folder in QM_Jobs. Ownership is left as it is: the web app may
 * run as another account (docs/security.md).
 */
import fs from "node:fs";
import path from "node:path";
import { sqliteFilePath } from "./database-url";
import type { QmLayout } from "./qm-folders";

/** Set and check the modes; returns what could not be made safe (said in the log). */
export function protectServiceFiles(layout: QmLayout, configPath: string, databaseUrl: string, log: (m: string) => void): string[] {
  const wanted: [string, number][] = [
    [layout.internal, 0o700],
    // Jobs traverse QM_Jobs to their own folder (each 0700) but cannot list the others.
    [layout.running, 0o711],
    [configPath, 0o600],
  ];
  if (databaseUrl.startsWith("file:")) {
    const db = sqliteFilePath(databaseUrl);
    // The files, not their folder: the default data/ also holds QM_FOLDER, which jobs must reach.
    wanted.push([db, 0o600], [`${db}-wal`, 0o600], [`${db}-shm`, 0o600]);
  }
  const problems: string[] = [];
  for (const [file, mode] of wanted) {
    try {
      const st = fs.statSync(file);
      if ((st.mode & 0o777) === mode) continue;
      fs.chmodSync(file, mode);
      log(`protected ${file}: mode ${(st.mode & 0o777).toString(8)} -> ${mode.toString(8)}`);
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === "ENOENT") continue;
      problems.push(`${file}: ${(error as Error).message}`);
    }
  }
  for (const problem of problems) log(`cannot protect ${problem}; jobs may be able to read it`);
  return problems;
}

/**
 * Jobs running as unprivileged uids (their own gid, no other group) must reach `dir` (QM_Jobs,
 * a PATH folder): it and every folder above it need the x (search) permission for others.
 * Returns the folders that lack it; a folder that is not there is no obstacle.
 */
export function unreachableForJobs(dir: string): string[] {
  const blocked: string[] = [];
  for (; ; dir = path.dirname(dir)) {
    try {
      if ((fs.statSync(dir).mode & 0o001) === 0) blocked.push(dir);
    } catch {
      // missing: nothing to say here
    }
    if (path.dirname(dir) === dir) return blocked;
  }
}
