/**
 * Statistics for /stats and GET /api/stats: per owner, totals, and jobs ended per day.
 * Two grouped SQL queries, whatever the size of the history.
 *
 * - jobs: every job ever submitted (deleted ones included: they used the machine).
 * - failures: jobs that ended failed, killed, timeout, oom, cancelled, lost or invalid.
 * - CPU time: the sum of cpuSeconds the worker recorded; CPU efficiency, as seff: CPU time
 *   over wall time x nb_proc, of the jobs with a CPU time.
 * - wall time: finishedAt - startedAt of the jobs that ran; the mean is over those.
 * - GPU time: wall time x nb_gpu (the devices each run held), shown as GPU-hours.
 * Days are the server's local days.
 */
import { type DayStats, FAILURE_STATES, type JobStats, type OwnerStats } from "../../core/job-stats";
import { type Db, dialectOf } from "../db";
import type { Dialect } from "../database-url";

const sqliteWall = "(julianday(finishedAt) - julianday(startedAt)) * 86400";
const pgWall = `EXTRACT(EPOCH FROM "finishedAt" - "startedAt")`;
const FAILED = `"state" IN (${FAILURE_STATES.map((s) => `'${s}'`).join(",")})`;

/** The two grouped queries, in each database's words; the parameter is the first finish time counted. */
const QUERIES: Record<Dialect, { owners: string; quarters: string }> = {
  // Prisma stores DateTime as ISO text in SQLite; julianday() reads it. One flat grouped
  // scan: a sub-select or CASE per row would double the cost. ISO text compares in time
  // order, so the finishedAt index narrows the second scan.
  sqlite: {
    owners: `SELECT COALESCE(owner, '') AS owner, userId, COUNT(*) AS jobs,
        SUM(state = 'done') AS done, SUM(${FAILED}) AS failures,
        SUM(cpuSeconds) AS cpuSeconds, SUM(MAX(0, ${sqliteWall})) AS wallSeconds, COUNT(${sqliteWall}) AS timed,
        SUM(CASE WHEN cpuSeconds IS NOT NULL THEN MAX(0, ${sqliteWall}) * nbProc END) AS slotSeconds,
        SUM(state = 'timeout') AS timeouts, SUM(state = 'oom') AS ooms,
        SUM(MAX(0, ${sqliteWall}) * nbGpu) AS gpuSeconds
      FROM Job GROUP BY 1, 2 ORDER BY jobs DESC, owner`,
    quarters: `SELECT CAST((julianday(finishedAt) - 2440587.5) * 96 AS INTEGER) AS quarter,
        SUM(state = 'done') AS done, SUM(${FAILED}) AS failed
      FROM Job WHERE finishedAt >= ? GROUP BY 1`,
  },
  // timestamp(3) without time zone holding UTC: EXTRACT(EPOCH ...) counts from 1970 UTC.
  postgresql: {
    owners: `SELECT COALESCE("owner", '') AS "owner", "userId", COUNT(*) AS "jobs",
        COUNT(*) FILTER (WHERE "state" = 'done') AS "done", COUNT(*) FILTER (WHERE ${FAILED}) AS "failures",
        SUM("cpuSeconds") AS "cpuSeconds", SUM(GREATEST(0, ${pgWall}))::float8 AS "wallSeconds", COUNT(${pgWall}) AS "timed",
        SUM(GREATEST(0, ${pgWall}) * "nbProc") FILTER (WHERE "cpuSeconds" IS NOT NULL)::float8 AS "slotSeconds",
        COUNT(*) FILTER (WHERE "state" = 'timeout') AS "timeouts", COUNT(*) FILTER (WHERE "state" = 'oom') AS "ooms",
        SUM(GREATEST(0, ${pgWall}) * "nbGpu")::float8 AS "gpuSeconds"
      FROM "Job" GROUP BY 1, 2 ORDER BY "jobs" DESC, "owner"`,
    quarters: `SELECT FLOOR(EXTRACT(EPOCH FROM "finishedAt") / 900)::int8 AS "quarter",
        COUNT(*) FILTER (WHERE "state" = 'done') AS "done", COUNT(*) FILTER (WHERE ${FAILED}) AS "failed"
      FROM "Job" WHERE "finishedAt" >= $1 GROUP BY 1`,
  },
};

interface Account {
  id: number;
  username: string;
  email: string | null;
}

interface OwnerRow {
  owner: string;
  /** The submitting account, which names the owner before the e_mail does. */
  userId: number | null;
  jobs: bigint | number;
  done: bigint | number;
  failures: bigint | number;
  cpuSeconds: number | null;
  wallSeconds: number | null;
  timed: bigint | number;
  slotSeconds: number | null;
  timeouts: bigint | number;
  ooms: bigint | number;
  gpuSeconds: number | null;
}

const ms = (seconds: number) => Math.round(seconds * 1000) / 1000;

/**
 * One row per owner, named as the job lists name it (ownerLabel): the account that
 * submitted the job, or the account whose e-mail the job's e_mail is (as ownership reads
 * it: any case, spaces trimmed), else the e_mail itself; jobs with neither share "".
 * Grouped here, where the database's rows are few, rather than lower-casing every job in
 * SQL. Sums add up; the order stays by jobs.
 */
function mergeOwners(rows: OwnerRow[], accounts: Account[]): OwnerRow[] {
  const byId = new Map(accounts.map((a) => [a.id, a.username]));
  const byEmail = new Map(accounts.filter((a) => a.email?.trim()).map((a) => [a.email!.trim().toLowerCase(), a.username]));
  const merged = new Map<string, OwnerRow>();
  const add = (a: number | bigint | null, b: number | bigint | null) => (a === null && b === null ? null : Number(a ?? 0) + Number(b ?? 0));
  for (const r of rows) {
    const email = r.owner.trim().toLowerCase();
    const key = (r.userId !== null ? byId.get(Number(r.userId)) : undefined) ?? byEmail.get(email) ?? email;
    const seen = merged.get(key);
    if (!seen) merged.set(key, { ...r, owner: key });
    else {
      for (const field of ["jobs", "done", "failures", "timed", "timeouts", "ooms"] as const) seen[field] = Number(seen[field]) + Number(r[field]);
      for (const field of ["cpuSeconds", "wallSeconds", "slotSeconds", "gpuSeconds"] as const) seen[field] = add(seen[field], r[field]);
    }
  }
  return [...merged.values()].sort((a, b) => Number(b.jobs) - Number(a.jobs) || (a.owner < b.owner ? -1 : a.owner > b.owner ? 1 : 0));
}

export async function getJobStats(db: Db, options: { days?: number; now?: Date } = {}): Promise<JobStats> {
  const dayCount = Math.min(Math.max(options.days ?? 30, 1), 366);
  const now = options.now ?? new Date();
  const firstStart = new Date(now.getFullYear(), now.getMonth(), now.getDate() - (dayCount - 1));
  const dialect = dialectOf(db);
  const queries = QUERIES[dialect];
  const [rows, hourRows] = await Promise.all([
    db.$queryRawUnsafe<OwnerRow[]>(queries.owners),
    // Grouped by quarter hour (UTC), then put into local days here: exact across DST
    // changes and half-hour zones, and cheaper than converting every row to local time.
    db.$queryRawUnsafe<{ quarter: bigint | number; done: bigint | number; failed: bigint | number }[]>(
      queries.quarters,
      dialect === "sqlite" ? firstStart.toISOString().replace("Z", "+00:00") : firstStart,
    ),
  ]);

  const accounts = await db.user.findMany({ select: { id: true, username: true, email: true } });
  const owners = mergeOwners(rows, accounts).map((r) => {
    const timed = Number(r.timed);
    return {
      owner: r.owner,
      jobs: Number(r.jobs),
      done: Number(r.done),
      failures: Number(r.failures),
      cpuSeconds: ms(r.cpuSeconds ?? 0),
      wallSeconds: ms(r.wallSeconds ?? 0),
      meanWallSeconds: timed ? ms((r.wallSeconds ?? 0) / timed) : null,
      cpuEfficiency: efficiencyOf(r.cpuSeconds, r.slotSeconds),
      timeouts: Number(r.timeouts),
      ooms: Number(r.ooms),
      gpuSeconds: ms(r.gpuSeconds ?? 0),
      slotSeconds: r.slotSeconds ?? 0,
    };
  });
  const timedTotal = rows.reduce((n, r) => n + Number(r.timed), 0);
  const sum = (pick: (o: OwnerStats) => number) => owners.reduce((n, o) => n + pick(o), 0);
  const totals = {
    jobs: sum((o) => o.jobs),
    done: sum((o) => o.done),
    failures: sum((o) => o.failures),
    cpuSeconds: ms(sum((o) => o.cpuSeconds)),
    wallSeconds: ms(sum((o) => o.wallSeconds)),
    meanWallSeconds: timedTotal ? ms(sum((o) => o.wallSeconds) / timedTotal) : null,
    cpuEfficiency: efficiencyOf(rows.reduce((n, r) => n + (r.cpuSeconds ?? 0), 0), rows.reduce((n, r) => n + (r.slotSeconds ?? 0), 0)),
    timeouts: sum((o) => o.timeouts),
    ooms: sum((o) => o.ooms),
    gpuSeconds: ms(sum((o) => o.gpuSeconds)),
  };

  const byDay = new Map<string, { done: number; failed: number }>();
  for (const h of hourRows) {
    const day = localDay(new Date(Number(h.quarter) * 900_000));
    const entry = byDay.get(day) ?? { done: 0, failed: 0 };
    entry.done += Number(h.done);
    entry.failed += Number(h.failed);
    byDay.set(day, entry);
  }
  const days: DayStats[] = [];
  for (let i = dayCount - 1; i >= 0; i--) {
    const day = localDay(new Date(now.getFullYear(), now.getMonth(), now.getDate() - i));
    days.push({ day, done: byDay.get(day)?.done ?? 0, failed: byDay.get(day)?.failed ?? 0 });
  }
  return { owners: owners.map(({ slotSeconds: _slots, ...o }) => o), totals, days };
}

/** CPU seconds over processor-seconds held, in % (one decimal); null without any. */
function efficiencyOf(cpuSeconds: number | null, slotSeconds: number | null): number | null {
  return cpuSeconds && slotSeconds ? Math.round((cpuSeconds / slotSeconds) * 1000) / 10 : null;
}

function localDay(date: Date): string {
  const pad = (n: number) => String(n).padStart(2, "0");
  return `${date.getFullYear()}-${pad(date.getMonth() + 1)}-${pad(date.getDate())}`;
}

/** Display_details off, viewer not an admin: owners become "owner 1", "owner 2"... */
export function hideOwners(stats: JobStats): JobStats {
  return { ...stats, owners: stats.owners.map((o, i) => ({ ...o, owner: o.owner ? `owner ${i + 1}` : "" })) };
}
