/**
 * Tell the worker to look again now (a job was queued or requeued, a kill was asked for).
 * On SQLite, web and worker share a machine: the web touches `.qm/wake`, which the worker
 * watches. On PostgreSQL they may live on different hosts, where a file change on a shared
 * filesystem is not seen: the web sends a NOTIFY on WAKE_CHANNEL, which the worker LISTENs
 * to. Either way it is a hint: the worker's periodic rescan finds the change anyway.
 */
import fs from "node:fs";
import type { QmLayout } from "./qm-folders";
import type { Sql } from "./store/sql";

/** The PostgreSQL notification channel of worker wake-ups. */
export const WAKE_CHANNEL = "qm_wake";

export async function wakeWorker(sql: Sql, layout: QmLayout): Promise<void> {
  try {
    if (sql.dialect === "postgresql") await sql.run(`SELECT pg_notify('${WAKE_CHANNEL}', '')`);
    else touch(layout.wakeFile);
  } catch {
    // A lost hint only delays the worker until its rescan; the request itself is recorded.
  }
}

/**
 * Change the file's times (creating it the first time): the worker's watch sees it. Not a
 * rewrite: ext4 flushes a file truncated and written again on close, about 1 ms each time.
 */
function touch(file: string): void {
  const now = new Date();
  try {
    fs.utimesSync(file, now, now);
  } catch {
    fs.writeFileSync(file, "");
  }
}
