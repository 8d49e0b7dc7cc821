/**
 * The retention pass's list, read from the database and the disk: finished rows whose folder
 * is still in QM_dJobs or QM_lost+found, planned by lib/core/retention.ts. The worker's daily
 * pass and the admin page's dry run both call this, so the dry run is what the pass removes.
 */
import path from "node:path";
import { FINISHED_STATES, type JobState } from "../../core/job-lifecycle";
import { type FinishedFolder, type RetentionPlan, type RetentionSettings, planRetention } from "../../core/retention";
import { QUEUE_DIRS, type QmLayout } from "../qm-folders";
import { type Sql, toDate } from "../store/sql";
import { finishedUsage, treeBytes } from "./folder-usage";
import { recentUsage } from "./recent-usage";

const list = (n: number) => Array(n).fill("?").join(", ");

async function finishedFolders(sql: Sql): Promise<Omit<FinishedFolder, "sizeBytes">[]> {
  const done = `${QUEUE_DIRS.done}/`;
  const lost = `${QUEUE_DIRS.lost}/`;
  const rows = await sql.all<{ id: number; name: string; state: JobState; folder: string; finishedAt: unknown; submittedAt: unknown }>(
    `SELECT "id", "name", "state", "folder", "finishedAt", "submittedAt" FROM "Job"
     WHERE "state" IN (${list(FINISHED_STATES.length)}) AND "purgedAt" IS NULL
       AND (substr("folder", 1, ${done.length}) = ? OR substr("folder", 1, ${lost.length}) = ?)`,
    [...FINISHED_STATES, done, lost],
  );
  // A row that never ran (invalid) may have no end: it ended when it was submitted.
  return rows.map((r) => ({ id: Number(r.id), name: r.name, state: r.state, folder: r.folder, endedAt: (toDate(r.finishedAt) ?? toDate(r.submittedAt))! }));
}

export interface PlanOptions {
  now?: Date;
  /**
   * The admin page's dry run: measure with a recent walk (recent-usage.ts), stale once a pass
   * ran after it (`lastPassAt`). Without it (the worker's pass) every folder is measured now.
   */
  recent?: { lastPassAt: Date | null };
}

/** The plan, and when the folders' sizes were measured (null: no ceiling, only what goes was measured, now). */
export async function readRetentionPlan(sql: Sql, layout: QmLayout, settings: RetentionSettings, options: PlanOptions = {}): Promise<RetentionPlan & { measuredAt: Date | null }> {
  const now = options.now ?? new Date();
  const rows = await finishedFolders(sql);
  if (settings.maxGb > 0) {
    // The ceiling needs every folder's size, and the total (folders without a row included).
    const usage = options.recent ? await recentUsage(layout, rows.map((r) => r.folder), options.recent.lastPassAt) : { ...(await finishedUsage(layout)), measuredAt: now };
    const plan = planRetention(rows.map((r) => ({ ...r, sizeBytes: usage.byFolder.get(r.folder) ?? 0 })), usage.totalBytes, settings, now);
    return { ...plan, measuredAt: usage.measuredAt };
  }
  const plan = planRetention(rows.map((r) => ({ ...r, sizeBytes: 0 })), null, settings, now);
  // By age alone, only what goes needs measuring (to say how much space the pass frees).
  for (const item of plan.purge) item.sizeBytes = await treeBytes(path.join(layout.root, item.folder));
  return { ...plan, measuredAt: null };
}
