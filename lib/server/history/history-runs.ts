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
  // The web server and the worker start at once (two services, two hosts): the first to
  // write the setting imports, the other leaves it. Both imported every folder before.
  const placeholder: ImportReport = { at: (deps.now ?? new Date()).toISOString(), imported: 0, known: 0, waiting: 0, ids: [], problems: [] };
  const { changes } = await deps.store.sql.run(
    `INSERT INTO "Setting" ("key", "value", "updatedAt") VALUES (?, ?, ?) ON CONFLICT ("key") DO NOTHING`,
    [HISTORY_SETTING, JSON.stringify(placeholder), new Date()],
  );
  if (!changes) return null;
  try {
    return await importHistoryNow(db, { ...deps, noneInFlight });
  } catch (error) {
    await db.setting.deleteMany({ where: { key: HISTORY_SETTING, value: JSON.stringify(placeholder) } }); // the next start tries again
    throw error;
  }
}
