/**
 * Resubmitting by hand: a folder of QM_lost+found (or QM_dJobs) moved back into QM_qJobs.
 * Its name carries QueueManager's time stamp (`2026-11-28T04-36-00Z-fit`); it is taken in
 * under its original name (`fit`), and its qm-error.txt is set aside (error-note.ts), so
 * that neither `<ts>-<ts>-fit` nor a stale error note survives. It is recognised by the
 * stamp plus a qm-error.txt, or plus a finished row that names the folder it came from;
 * that row is then requeued, as the web's requeue does, so the job keeps its history.
 */
import path from "node:path";
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
  if (!stamped) return null;
  const row = (await ctx.store.finishedByFolder([relFolder("lost", name), relFolder("done", name)])) ?? null;
  if (!row && !hasErrorNote(path.join(ctx.layout.queued, name))) return null;
  return { original: stamped.name, stamp: stamped.stamp, row };
}
