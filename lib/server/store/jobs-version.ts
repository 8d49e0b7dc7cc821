/**
 * The jobs version: a counter that every write of a Job or JobEvent row bumps, in the same
 * transaction (job-store.ts). The web server reads it a few times a second, one reading for
 * all its open pages, and pushes a change to them when it moves (lib/web/live-feed.ts):
 * one single-row read instead of every page polling every list.
 *
 * Kept as a row of the Setting table (the value is text there), so no migration is needed;
 * the same statement runs on SQLite and PostgreSQL.
 */
import type { Sql } from "./sql";

export const JOBS_VERSION_KEY = "jobs-version";

/** The bump, one statement with the time as its parameter (the benchmarks' bulk inserts run it too). */
export const BUMP_JOBS_VERSION = `INSERT INTO "Setting" ("key", "value", "updatedAt") VALUES ('${JOBS_VERSION_KEY}', '1', ?)
  ON CONFLICT ("key") DO UPDATE SET "value" = CAST(CAST("Setting"."value" AS BIGINT) + 1 AS TEXT), "updatedAt" = excluded."updatedAt"`;

/** Count one more change of the job rows; call it inside the write's transaction. */
export async function bumpJobsVersion(tx: Sql, at: Date): Promise<void> {
  await tx.run(BUMP_JOBS_VERSION, [at]);
}

/** The current version ("0" before the first write). */
export async function readJobsVersion(sql: Sql): Promise<string> {
  const row = await sql.get<{ value: string }>(`SELECT "value" FROM "Setting" WHERE "key" = ?`, [JOBS_VERSION_KEY]);
  return row?.value ?? "0";
}
