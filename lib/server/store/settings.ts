/**
 * Queue-wide values that must outlive both programs (Setting rows: key -> JSON text), so
 * that no state lives only in the worker's memory: the retention pass's last run and the
 * administrator's request to run it now.
 */
import type { Sql } from "./sql";

export async function readSetting<T>(sql: Sql, key: string): Promise<T | null> {
  const row = await sql.get<{ value: string }>(`SELECT "value" FROM "Setting" WHERE "key" = ?`, [key]);
  return row ? (JSON.parse(row.value) as T) : null;
}

/** Write `value` (null: remove the key). */
export async function writeSetting(sql: Sql, key: string, value: unknown): Promise<void> {
  if (value === null) {
    await sql.run(`DELETE FROM "Setting" WHERE "key" = ?`, [key]);
    return;
  }
  await sql.run(
    `INSERT INTO "Setting" ("key", "value", "updatedAt") VALUES (?, ?, ?) ON CONFLICT ("key") DO UPDATE SET "value" = excluded."value", "updatedAt" = excluded."updatedAt"`,
    [key, JSON.stringify(value), new Date()],
  );
}
