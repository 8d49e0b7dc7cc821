/**
 * The retention pass in the worker: once a day (a check every hour, and at start), and when
 * the administrator asks for one from the admin page (a Setting row, seen at the next wake-up).
 * The time of the last pass is a Setting row too, so a restarted worker neither repeats a
 * pass nor skips one. The list is the admin page's dry run (lib/server/retention).
 */
import { retentionEnabled } from "../lib/core/retention";
import { formatBytes } from "../lib/core/format";
import { applyRetention } from "../lib/server/retention/apply-retention";
import { readRetentionPlan } from "../lib/server/retention/read-retention-plan";
import { readLastPass, readPassRequest, writeLastPass } from "../lib/server/retention/retention-state";
import type { WorkerContext } from "./context";

const DAY_MS = 86_400_000;
/** How often the worker looks whether a daily pass is due. */
export const RETENTION_CHECK_MS = 3_600_000;

export interface Retention {
  /** Run a pass if one is due or asked for (one at a time). */
  check(): Promise<void>;
  /** Resolves when no pass is in progress (at stop). */
  idle(): Promise<void>;
}

export function createRetention(ctx: WorkerContext): Retention {
  let current: Promise<void> | null = null;

  async function runIfDue(): Promise<void> {
    const { retention } = ctx.config();
    const [last, requested] = await Promise.all([readLastPass(ctx.store.sql), readPassRequest(ctx.store.sql)]);
    const lastAt = last ? Date.parse(last.at) : 0;
    const due = retentionEnabled(retention) && Date.now() - lastAt >= DAY_MS;
    const asked = requested !== null && Date.parse(requested) > lastAt;
    if (!due && !asked) return;
    const plan = await readRetentionPlan(ctx.store.sql, ctx.layout, retention);
    const result = await applyRetention(ctx.store, ctx.layout, plan, retention.archiveFolder, ctx.log);
    const pass = { at: new Date().toISOString(), removed: result.removed.length, archived: result.archived.length, skipped: result.skipped.length, failed: result.failed.length, freedBytes: result.freedBytes };
    await writeLastPass(ctx.store.sql, pass);
    const done = pass.archived ? `${pass.archived} folder(s) archived to ${retention.archiveFolder}` : `${pass.removed} folder(s) removed`;
    const log = pass.failed ? ctx.log.warn : ctx.log.info;
    log(`retention: ${done}, ${formatBytes(pass.freedBytes)} freed${pass.skipped ? `, ${pass.skipped} changed meanwhile` : ""}${pass.failed ? `, ${pass.failed} could not be removed` : ""}`);
  }

  return {
    check: () => (current ??= runIfDue().finally(() => (current = null))),
    idle: async () => void (await current?.catch(() => undefined)),
  };
}
