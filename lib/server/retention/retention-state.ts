/**
 * What the retention pass keeps in the database (Setting rows), shared by the worker that
 * runs it and the admin page that shows it: when it last ran and with what result, and when
 * the administrator asked for a pass now.
 */
import type { QmLayout } from "../qm-folders";
import { readSetting, writeSetting } from "../store/settings";
import type { Sql } from "../store/sql";
import { wakeWorker } from "../wake-worker";

const LAST_PASS = "retention.lastPass";
const REQUESTED = "retention.requestedAt";

/** The last pass: its time (ISO) and what it did. */
export interface LastRetentionPass {
  at: string;
  removed: number;
  archived: number;
  skipped: number;
  failed: number;
  freedBytes: number;
}

export const readLastPass = (sql: Sql) => readSetting<LastRetentionPass>(sql, LAST_PASS);
export const writeLastPass = (sql: Sql, pass: LastRetentionPass) => writeSetting(sql, LAST_PASS, pass);
/** When the administrator last asked for a pass now (ISO), or null. */
export const readPassRequest = (sql: Sql) => readSetting<string>(sql, REQUESTED);

/** Ask the worker for a pass now (the admin page, after looking at the dry run). */
export async function requestRetentionPass(sql: Sql, layout: QmLayout, now = new Date()): Promise<void> {
  await writeSetting(sql, REQUESTED, now.toISOString());
  await wakeWorker(sql, layout);
}
