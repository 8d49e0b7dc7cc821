/**
 * The statistics kept while the jobs version (store/jobs-version.ts) stays put, as the
 * state counts are (store/state-counts.ts): with 100,000 finished jobs a computation reads
 * every row (about 0.4 s here), and every open statistics page asks again at each refresh.
 * The version is read before computing, so kept figures are never older than the version
 * they are kept under; readers that find the same new version share one computation. The
 * day counts also depend on the date, which is part of the key.
 */
import type { Db } from "../db";
import { readJobsVersion } from "../store/jobs-version";
import type { Sql } from "../store/sql";
import type { JobStats } from "../../core/job-stats";
import { getJobStats } from "./get-job-stats";

export interface JobStatsCache {
  read(days: number, now?: Date): Promise<JobStats>;
}

export function createJobStatsCache(db: Db, sql: Sql, compute: typeof getJobStats = getJobStats): JobStatsCache {
  let kept: { key: string; stats: Promise<JobStats> } | undefined;
  return {
    async read(days, now = new Date()) {
      const key = `${await readJobsVersion(sql)}|${days}|${now.toDateString()}`;
      if (kept?.key === key) return kept.stats;
      const stats = compute(db, { days, now });
      kept = { key, stats };
      // A failed computation is not kept: the next reader tries again.
      stats.catch(() => {
        if (kept?.stats === stats) kept = undefined;
      });
      return stats;
    },
  };
}
