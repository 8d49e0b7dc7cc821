/**
 * When the history import runs: once at the first start of an installation (so a lab
 * that points QueueManager at its QM folders sees its past at once), then whenever the
 * administrator asks. The last report is kept as the `history-import` setting.
 */
import type { Db } from "../db";
import { type ImportDeps, type ImportReport, importHistory } from "./import-history";

export const HISTORY_SETTING = "history-import";

export async function lastImport(db: Db): Promise<ImportReport | null> {
  const row = await db.setting.findUnique({ where: { key: HISTORY_SETTING } });
  return row ? (JSON.parse(row.value) as ImportReport) : null;
}

/** Import now and keep the report. */
export async function importHistoryNow(db: Db, deps: ImportDeps): Promise<ImportReport> {
  const report = await importHistory(deps);
  const value = JSON.stringify(report);
  await db.setting.upsert({ where: { key: HISTORY_SETTING }, create: { key: HISTORY_SETTING, value }, update: { value } });
  return report;
}

/**
 * At start: import unless an import ever ran here; null when none was due. A database with
 * no job yet (a new one, as when moving from SQLite to PostgreSQL) has no worker recording
 * a folder it just moved: the folders of the last minute are imported too, since nothing
 * would import them later on its own.
 */
export async function importHistoryAtFirstStart(db: Db, deps: ImportDeps): Promise<ImportReport | null> {
  if (await db.setting.findUnique({ where: { key: HISTORY_SETTING } })) return null;
  const noneInFlight = (await db.job.count()) === 0;
  return importHistoryNow(db, { ...deps, noneInFlight });
}
