/** The progress curve of a job's run, from the samples the worker recorded (job-store recordProgress). */
import type { ProgressAnswer } from "../../core/api-types";
import type { Db } from "../db";

/** Samples read at most in one answer (a three-day run keeps about 4,000). */
const MAX_SAMPLES = 10_000;

/** The samples of the run that started at `startedAt` (later than `since` when given), oldest first. */
export async function progressSamples(db: Db, job: { id: number; startedAt: Date | null }, since?: Date): Promise<ProgressAnswer> {
  if (!job.startedAt) return { startedAt: null, samples: [] };
  const from = since && since > job.startedAt ? { gt: since } : { gte: job.startedAt };
  const rows = await db.progressSample.findMany({ where: { jobId: job.id, at: from }, orderBy: [{ at: "asc" }, { id: "asc" }], take: MAX_SAMPLES, select: { at: true, percent: true } });
  return { startedAt: job.startedAt.toISOString(), samples: rows.map((r) => ({ at: r.at.toISOString(), percent: r.percent })) };
}
