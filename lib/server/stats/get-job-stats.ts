/**
 * Statistics for /stats and GET /api/stats: per owner, totals, and jobs ended per day.
 * Two grouped SQL queries, whatever the size of the history.
 *
 * - jobs: every job ever submitted (deleted ones included: they used the machine).
 * - failures: jobs that ended failed, killed, lost or invalid.
 * - CPU time: the sum of cpuSeconds the worker recorded.
 * - wall time: finishedAt - startedAt of the jobs that ran; the mean is over those.
 * Days are the server's local days.
 */
import type { Db } from "../db";

export const FAILURE_STATES = ["failed", "killed", "lost", "invalid"] as const;

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

// Seconds since 1970 with milliseconds. Prisma's SQLite adapter writes ISO text;
// integers (epoch ms, the adapter's other format) are read too.
const secs = (column: string) =>
  `(CASE WHEN typeof(${column}) IN ('integer','real') THEN ${column} / 1000.0 ELSE unixepoch(${column}, 'subsec') END)`;
const FAILED = `state IN (${FAILURE_STATES.map((s) => `'${s}'`).join(",")})`;

interface OwnerRow {
  owner: string;
  jobs: bigint | number;
  done: bigint | number;
  failures: bigint | number;
  cpuSeconds: number | null;
  wallSeconds: number | null;
  timed: bigint | number;
}

export async function getJobStats(db: Db, options: { days?: number; now?: Date } = {}): Promise<JobStats> {
  const dayCount = Math.min(Math.max(options.days ?? 30, 1), 366);
  const rows = await db.$queryRawUnsafe<OwnerRow[]>(`
    SELECT owner, COUNT(*) AS jobs,
      SUM(CASE WHEN state = 'done' THEN 1 ELSE 0 END) AS done,
      SUM(CASE WHEN ${FAILED} THEN 1 ELSE 0 END) AS failures,
      SUM(cpuSeconds) AS cpuSeconds, SUM(wall) AS wallSeconds, COUNT(wall) AS timed
    FROM (SELECT COALESCE(owner, '') AS owner, state, cpuSeconds,
            CASE WHEN startedAt IS NOT NULL AND finishedAt IS NOT NULL
              THEN MAX(0, ROUND(${secs("finishedAt")} - ${secs("startedAt")}, 3)) END AS wall
          FROM Job)
    GROUP BY owner ORDER BY jobs DESC, owner`);

  const now = options.now ?? new Date();
  const firstStart = new Date(now.getFullYear(), now.getMonth(), now.getDate() - (dayCount - 1));
  const first = localDay(firstStart);
  const dayRows = await db.$queryRawUnsafe<{ day: string; done: bigint | number; failed: bigint | number }[]>(
    `SELECT date(${secs("finishedAt")}, 'unixepoch', 'localtime') AS day,
       SUM(CASE WHEN state = 'done' THEN 1 ELSE 0 END) AS done,
       SUM(CASE WHEN ${FAILED} THEN 1 ELSE 0 END) AS failed
     FROM Job WHERE finishedAt >= ? OR (typeof(finishedAt) = 'integer' AND finishedAt >= ?)
     GROUP BY day HAVING day >= ?`,
    // ISO text compares in time order, so the finishedAt index narrows the scan.
    new Date(firstStart.getTime() - 86_400_000).toISOString(),
    firstStart.getTime() - 86_400_000,
    first,
  );

  const owners = rows.map((r) => {
    const timed = Number(r.timed);
    return {
      owner: r.owner,
      jobs: Number(r.jobs),
      done: Number(r.done),
      failures: Number(r.failures),
      cpuSeconds: r.cpuSeconds ?? 0,
      wallSeconds: r.wallSeconds ?? 0,
      meanWallSeconds: timed ? (r.wallSeconds ?? 0) / timed : null,
    };
  });
  const timedTotal = rows.reduce((n, r) => n + Number(r.timed), 0);
  const sum = (pick: (o: OwnerStats) => number) => owners.reduce((n, o) => n + pick(o), 0);
  const totals = {
    jobs: sum((o) => o.jobs),
    done: sum((o) => o.done),
    failures: sum((o) => o.failures),
    cpuSeconds: sum((o) => o.cpuSeconds),
    wallSeconds: sum((o) => o.wallSeconds),
    meanWallSeconds: timedTotal ? sum((o) => o.wallSeconds) / timedTotal : null,
  };

  const byDay = new Map(dayRows.map((d) => [d.day, d]));
  const days: DayStats[] = [];
  for (let i = dayCount - 1; i >= 0; i--) {
    const day = localDay(new Date(now.getFullYear(), now.getMonth(), now.getDate() - i));
    const row = byDay.get(day);
    days.push({ day, done: Number(row?.done ?? 0), failed: Number(row?.failed ?? 0) });
  }
  return { owners, totals, days };
}

function localDay(date: Date): string {
  const pad = (n: number) => String(n).padStart(2, "0");
  return `${date.getFullYear()}-${pad(date.getMonth() + 1)}-${pad(date.getDate())}`;
}

/** Display_details off, viewer not an admin: owners become "owner 1", "owner 2"... */
export function hideOwners(stats: JobStats): JobStats {
  return { ...stats, owners: stats.owners.map((o, i) => ({ ...o, owner: o.owner ? `owner ${i + 1}` : "" })) };
}
