/**
 * What the retention pass keeps in the database (Setting rows), shared by the worker that
 * runs it and the admin page that shows it: when it last ran and with what result, and when
 * the administrator asked for a pass now, and when the worker first saw retention switched on
 * (the first automatic pass comes a day later: time to look at the dry run first).
 */
import type { QmLayout } from "../qm-folders";
import { readSetting, writeSetting } from "../store/settings";
import type { Sql } from "../store/sql";
import { wakeWorker } from "../wake-worker";

const LAST_PASS = "retention.lastPass";
const REQUESTED = "retention.requestedAt";
const SCHEDULED_FROM = "retention.scheduledFrom";
const DAY_MS = 86_400_000;

/** The last pass: its time (ISO) and what it did. */
export interface LastRetentionPass {
  at: string;
  removed: number;
  archived: number;
  skipped: number;
  failed: number;
  freedBytes: number;
  /** Why it moved nothing at all (Archive_Folder unusable), for the admin page. */
  stopped?: string;
}

export const readLastPass = (sql: Sql) => readSetting<LastRetentionPass>(sql, LAST_PASS);
export const writeLastPass = (sql: Sql, pass: LastRetentionPass) => writeSetting(sql, LAST_PASS, pass);
/** When the administrator last asked for a pass now (ISO), or null. */
export const readPassRequest = (sql: Sql) => readSetting<string>(sql, REQUESTED);

/** Since when the worker has seen retention switched on (ISO), or null (off, or not seen yet). */
export const readScheduledFrom = (sql: Sql) => readSetting<string>(sql, SCHEDULED_FROM);
export const writeScheduledFrom = (sql: Sql, at: Date | null) => writeSetting(sql, SCHEDULED_FROM, at?.toISOString() ?? null);

/**
 * The earliest time of the next automatic pass: a day after the last pass, and a day after
 * retention was switched on (so that a pass never follows the switch at once); null: the
 * worker has not seen it switched on yet.
 */
export function nextAutomaticPass(last: LastRetentionPass | null, scheduledFrom: string | null): Date | null {
  if (!scheduledFrom) return null;
  return new Date(Math.max(Date.parse(scheduledFrom), last ? Date.parse(last.at) : 0) + DAY_MS);
}

/** Ask the worker for a pass now (the admin page, after looking at the dry run). */
export async function requestRetentionPass(sql: Sql, layout: QmLayout, now = new Date()): Promise<void> {
  await writeSetting(sql, REQUESTED, now.toISOString());
  await wakeWorker(sql, layout);
}
