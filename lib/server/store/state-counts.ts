/**
 * Jobs per state, for the dashboard's header (GET /api/status, GET /api/events) and the
 * totals of the unfiltered lists (GET /api/jobs), kept in memory while the jobs version
 * (jobs-version.ts) stays put. Counting walks the state index: with 100,000 finished jobs
 * about 12 ms on SQLite, and one page load asked for it twice, in parallel with its other
 * requests. Every write of a job row bumps the version in its own transaction, so while the
 * version does not move the counts do not either, and reading it is one indexed row.
 *
 * The version is read before counting: counts kept under version v were taken after v was
 * committed, so they hold every write up to v (perhaps later ones too, which only makes
 * them fresher). Whoever reads version v therefore never gets counts older than v.
 * Readers that find the same new version share one count.
 *
 * Only counts every viewer sees alike are kept here (the lists show every job to whoever
 * may view, and the header counts all of them); a list filtered by owner, text or account
 * counts its own rows (find-jobs.ts).
 */
import { readJobsVersion } from "./jobs-version";
import type { Sql } from "./sql";

/** Jobs per state, deleted ones included; a state without jobs is absent. */
export type CountsByState = Readonly<Record<string, number>>;

export interface StateCounts {
  /** The counts now: from memory while the jobs version has not moved. */
  read(): Promise<CountsByState>;
}

const COUNT_BY_STATE = `SELECT "state" AS "state", COUNT(*) AS "count" FROM "Job" GROUP BY "state"`;

/** How many jobs are in any of these states. */
export const countIn = (counts: CountsByState, states: readonly string[]) => states.reduce((sum, state) => sum + (counts[state] ?? 0), 0);

export function createStateCounts(sql: Sql): StateCounts {
  let kept: { version: string; counts: Promise<CountsByState> } | undefined;
  const count = async (): Promise<CountsByState> => {
    // PostgreSQL gives COUNT(*) as a bigint in text.
    const rows = await sql.all<{ state: string; count: number | string }>(COUNT_BY_STATE);
    return Object.freeze(Object.fromEntries(rows.map((r) => [r.state, Number(r.count)])));
  };
  return {
    async read() {
      const version = await readJobsVersion(sql);
      if (kept?.version === version) return kept.counts;
      const counts = count();
      kept = { version, counts };
      // A failed count is not kept: the next reader counts again.
      counts.catch(() => {
        if (kept?.counts === counts) kept = undefined;
      });
      return counts;
    },
  };
}
