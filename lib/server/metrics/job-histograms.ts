/**
 * Waiting and run times of all jobs as Prometheus histograms, counted by the database in one
 * statement each (no row is fetched): waiting = start - submission of every job that started,
 * duration = end - start of every job that ran to an end.
 */
import type { HistogramData } from "../../core/prometheus-text";
import type { Sql } from "../store/sql";

/** Bucket bounds in seconds: a second to a day for waits, ten seconds to a week for runs. */
export const WAIT_BOUNDS = [1, 5, 15, 60, 300, 900, 3600, 14_400, 86_400];
export const DURATION_BOUNDS = [10, 60, 300, 900, 3600, 14_400, 43_200, 86_400, 259_200, 604_800];

/** Seconds between two date columns, in each database's own arithmetic. */
function secondsBetween(sql: Sql, from: string, to: string): string {
  return sql.dialect === "postgresql" ? `EXTRACT(EPOCH FROM ("${to}" - "${from}"))` : `((julianday("${to}") - julianday("${from}")) * 86400.0)`;
}

async function histogram(sql: Sql, from: string, to: string, bounds: number[]): Promise<HistogramData> {
  const seconds = secondsBetween(sql, from, to);
  const buckets = bounds.map((b, i) => `SUM(CASE WHEN "s" <= ${b} THEN 1 ELSE 0 END) AS "b${i}"`).join(", ");
  // Clocks can step back: a negative span counts as 0.
  const row = await sql.get<Record<string, unknown>>(
    `SELECT COUNT(*) AS "n", SUM("s") AS "total", ${buckets} FROM (SELECT CASE WHEN ${seconds} < 0 THEN 0 ELSE ${seconds} END AS "s" FROM "Job" WHERE "${from}" IS NOT NULL AND "${to}" IS NOT NULL) AS "spans"`,
  );
  return { bounds, cumulative: bounds.map((_, i) => Number(row?.[`b${i}`] ?? 0)), count: Number(row?.n ?? 0), sum: Number(row?.total ?? 0) };
}

export const waitHistogram = (sql: Sql) => histogram(sql, "submittedAt", "startedAt", WAIT_BOUNDS);
export const durationHistogram = (sql: Sql) => histogram(sql, "startedAt", "finishedAt", DURATION_BOUNDS);
