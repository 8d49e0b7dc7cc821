/**
 * Which finished jobs' folders the retention pass removes (pure; the worker applies it
 * daily, the admin page shows it as a dry run). Two rules, oldest first:
 *
 * - age: a job that ended more than `Keep_Days` days ago (0: never);
 * - space: while QM_dJobs + QM_lost+found take more than `Keep_Max_GB` (0: no ceiling),
 *   the oldest remaining ones, until they fit.
 *
 * Only rows in a finished state are ever considered; a queued, held, pending or running job
 * is never in the list, whatever its age. The rows stay (history); only folders go.
 */
import { type JobState, isFinishedState } from "./job-lifecycle";

const DAY_MS = 86_400_000;
const GB = 1024 ** 3;

export interface RetentionSettings {
  keepDays: number;
  maxGb: number;
}

/** A finished job whose folder is still in QM_dJobs or QM_lost+found. */
export interface FinishedFolder {
  id: number;
  name: string;
  state: JobState;
  /** QM_FOLDER-relative, e.g. "QM_dJobs/2026-11-28T04-36-00Z-fit". */
  folder: string;
  endedAt: Date;
  /** Disk space its folder takes (0 when gone or not measured). */
  sizeBytes: number;
}

export interface PurgeItem extends FinishedFolder {
  reason: "age" | "space";
}

export interface RetentionPlan {
  purge: PurgeItem[];
  /** Jobs that ended before this are removed by age (null: Keep_Days = 0). */
  cutoff: Date | null;
  /** Keep_Max_GB in bytes (null: no ceiling). */
  ceilingBytes: number | null;
  /** What QM_dJobs + QM_lost+found take now, and after the pass (null: not measured). */
  usedBytes: number | null;
  afterBytes: number | null;
}

export const retentionEnabled = (s: RetentionSettings) => s.keepDays > 0 || s.maxGb > 0;

/** `finished` in any order; `usedBytes`: all of QM_dJobs + QM_lost+found (null when no ceiling is set). */
export function planRetention(finished: FinishedFolder[], usedBytes: number | null, settings: RetentionSettings, now: Date): RetentionPlan {
  const cutoff = settings.keepDays > 0 ? new Date(now.getTime() - settings.keepDays * DAY_MS) : null;
  const ceilingBytes = settings.maxGb > 0 ? settings.maxGb * GB : null;
  const oldestFirst = finished.filter((f) => isFinishedState(f.state)).sort((a, b) => a.endedAt.getTime() - b.endedAt.getTime() || a.id - b.id);
  const purge: PurgeItem[] = [];
  let remaining = usedBytes;
  for (const job of oldestFirst) {
    const reason = cutoff && job.endedAt < cutoff ? "age" : ceilingBytes !== null && remaining !== null && remaining > ceilingBytes ? "space" : null;
    if (!reason) continue;
    purge.push({ ...job, reason });
    if (remaining !== null) remaining -= job.sizeBytes;
  }
  return { purge, cutoff, ceilingBytes, usedBytes, afterBytes: remaining };
}
