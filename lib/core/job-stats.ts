/** What GET /api/stats answers, and which end states it counts as failures (no zod: the web server loads this with every route). */

/** The end states the statistics count as failures: every way a job can end but done. */
export const FAILURE_STATES = ["failed", "killed", "timeout", "oom", "cancelled", "lost", "invalid"] as const;

/** The same in words, for the page's note. */
export const FAILURES_IN_WORDS = "failed, killed, timed out, out of memory, cancelled, lost or invalid";

/** GET /api/stats: one owner's figures (and, without `owner`, the totals). */
export interface OwnerStats {
  /** The e_mail of the info file; "" for jobs without one. */
  owner: string;
  jobs: number;
  done: number;
  failures: number;
  cpuSeconds: number;
  wallSeconds: number;
  /** Mean wall time of the jobs that ran; null when none did. */
  meanWallSeconds: number | null;
  /** CPU time over wall time x nb_proc of the jobs with a CPU time, in %; null without any. */
  cpuEfficiency: number | null;
  /** Jobs stopped at their walltime, and killed for memory. */
  timeouts: number;
  ooms: number;
  /** Wall time x nb_gpu of the jobs that ran (GPU-hours x 3600). */
  gpuSeconds: number;
}

export interface DayStats {
  /** YYYY-MM-DD, local time. */
  day: string;
  done: number;
  failed: number;
}

export interface JobStats {
  owners: OwnerStats[];
  totals: Omit<OwnerStats, "owner">;
  days: DayStats[];
}
