/**
 * Resubmitting by hand: a folder of QM_lost+found (or QM_dJobs) moved back into QM_qJobs.
 * Its name carries QueueManager's time stamp (`2026-11-28T04-36-00Z-fit`); it is taken in
 * under its original name (`fit`), and its qm-error.txt is set aside (error-note.ts), so
 * that neither `<ts>-<ts>-fit` nor a stale error note survives. It is recognised by the
 * stamp plus a qm-error.txt, or plus a finished row that names the folder it came from;
 * that row is then requeued, as the web's requeue does, so the job keeps its history.
 * A QM 0.4 folder of the imported history is recognised by its row alone.
 */
import fs from "node:fs";
import path from "node:path";
import { folderStamp } from "../lib/core/job-log";
import { parseHistoricName } from "../lib/core/qm-history";
import { hasErrorNote, splitStamp } from "../lib/server/error-note";
import { relFolder } from "../lib/server/qm-folders";
import type { JobRow } from "../lib/server/store/job-reads";
import type { WorkerContext } from "./context";

export interface Resubmission {
  /** The job's name without the stamp(s). */
  original: string;
  /** The stamp of the folder's last end (names the set-aside qm-error.txt). */
  stamp: string;
  /** The finished row the folder came from, when the database still names it. */
  row: JobRow | null;
}

/** Whether QM_qJobs/<name> is a finished job moved back by hand. */
export async function findResubmission(ctx: Pick<WorkerContext, "store" | "layout">, name: string): Promise<Resubmission | null> {
  const stamped = splitStamp(name);
  if (!stamped) return fromQm04History(ctx, name);
  const row = (await ctx.store.finishedByFolder([relFolder("lost", name), relFolder("done", name)])) ?? null;
  if (!row && !hasErrorNote(path.join(ctx.layout.queued, name))) return null;
  return { original: stamped.name, stamp: stamped.stamp, row };
}

/**
 * A folder of the imported history moved back: QM 0.4's (`2021-02-16T10:23:45-fit`) or a
 * bare QM 0.2 name (`fit`). Only imported rows name such finished folders, as QueueManager
 * stamps its own in UTC without colons. A bare name is also what a new job may be called,
 * so it counts only when the imported row's folder is gone: moved back, not a namesake
 * (which made a second job and left the imported one pointing at nothing).
 */
async function fromQm04History(ctx: Pick<WorkerContext, "store" | "layout">, name: string): Promise<Resubmission | null> {
  if (parseHistoricName(name).style === "ours") return null;
  const row = (await ctx.store.finishedByFolder([relFolder("lost", name), relFolder("done", name)])) ?? null;
  // Still where the row says: this is another folder of the same name.
  if (!row || fs.existsSync(path.join(ctx.layout.root, row.folder))) return null;
  return { original: row.name, stamp: folderStamp(row.finishedAt ?? row.updatedAt), row };
}
