/**
 * A job's elapsed and remaining time as the dashboard and the job page show them: one
 * computation, so that the running list and the job's own page never disagree.
 */
import type { JobSummary } from "./api-types";

/** Time left from the elapsed time and the percent done, or null when it cannot be told. */
export function estimateRemainingMs(elapsedMs: number, percent: number | null): number | null {
  if (percent === null || percent <= 0 || percent >= 100 || elapsedMs < 1000) return null;
  return (elapsedMs * (100 - percent)) / percent;
}

export interface JobTimes {
  /** From start to end, or to `nowMs` while there is no end; null before the start (or without end and `nowMs`). */
  elapsedMs: number | null;
  /** Estimated from the progress while the job runs; null otherwise. */
  remainingMs: number | null;
}

/**
 * @param nowMs the server's clock in milliseconds (see useServerNow: the browser's may be
 *   off), for jobs still going; lists of ended jobs leave it out.
 */
export function jobTimes(job: Pick<JobSummary, "state" | "startedAt" | "finishedAt" | "progress">, nowMs?: number): JobTimes {
  // A job pending in its executor's queue (Slurm's) has not started: its startedAt is its claim, and no time runs yet.
  const start = job.startedAt && job.state !== "pending" ? Date.parse(job.startedAt) : null;
  const end = job.finishedAt ? Date.parse(job.finishedAt) : (nowMs ?? null);
  const elapsedMs = start === null || end === null ? null : end - start;
  const remainingMs = job.state === "running" && elapsedMs !== null ? estimateRemainingMs(elapsedMs, job.progress) : null;
  return { elapsedMs, remainingMs };
}
