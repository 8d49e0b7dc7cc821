/**
 * The retention pass in the worker: once a day (a check every hour, and at start), and when
 * the administrator asks for one from the admin page (a Setting row, seen at the next wake-up).
 * The time of the last pass is a Setting row too, so a restarted worker neither repeats a
 * pass nor skips one. The list is the admin page's dry run (lib/server/retention).
 */
import { retentionEnabled } from "../lib/core/retention";
import { formatBytes } from "../lib/core/format";
import { applyRetention } from "../lib/server/retention/apply-retention";
import { archivePlaceNow } from "../lib/server/retention/archive-place";
import { readRetentionPlan } from "../lib/server/retention/read-retention-plan";
import { type LastRetentionPass, nextAutomaticPass, readLastPass, readPassRequest, readScheduledFrom, writeLastPass, writeScheduledFrom } from "../lib/server/retention/retention-state";
import type { WorkerContext } from "./context";

/** How often the worker looks whether a daily pass is due. */
export const RETENTION_CHECK_MS = 3_600_000;

export interface Retention {
  /**
   * Run a pass if the administrator asked for one, or (`daily`: at start and every hour) if
   * the last one is a day old. Retention switched on is scheduled a day ahead, never run at
   * once: a new Keep_Days or Keep_Max_GB removes nothing before the administrator could look
   * at the dry run (or ask for the pass).
   */
  check(daily: boolean): Promise<void>;
  /** Resolves when no pass is in progress (at stop). */
  idle(): Promise<void>;
}

export function createRetention(ctx: WorkerContext): Retention {
  let current: Promise<void> | null = null;

  async function isDue(daily: boolean, last: LastRetentionPass | null): Promise<boolean> {
    if (!daily) return false;
    const scheduledFrom = await readScheduledFrom(ctx.store.sql);
    if (!retentionEnabled(ctx.config().retention)) {
      if (scheduledFrom) await writeScheduledFrom(ctx.store.sql, null);
      return false;
    }
    const next = nextAutomaticPass(last, scheduledFrom);
    if (next) return Date.now() >= next.getTime();
    await writeScheduledFrom(ctx.store.sql, new Date());
    ctx.log("retention: switched on; the first pass runs in a day (or now from /admin/retention, after a look at what it removes)");
    return false;
  }

  async function runIfDue(daily: boolean): Promise<void> {
    const { retention } = ctx.config();
    const [last, requested] = await Promise.all([readLastPass(ctx.store.sql), readPassRequest(ctx.store.sql)]);
    const asked = requested !== null && (!last || Date.parse(requested) > Date.parse(last.at));
    if (!asked && !(await isDue(daily, last))) return;
    const plan = await readRetentionPlan(ctx.store.sql, ctx.layout, retention);
    let archiveDir = retention.archiveFolder;
    if (archiveDir && plan.purge.length) {
      const place = archivePlaceNow(archiveDir, ctx.config().qmFolder, ctx.configPath);
      if (place.problem !== null) {
        ctx.log.error(`retention: ${place.problem}; no folder archived or removed by this pass`);
        await writeLastPass(ctx.store.sql, { at: new Date().toISOString(), removed: 0, archived: 0, skipped: 0, failed: plan.purge.length, freedBytes: 0, stopped: place.problem });
        return;
      }
      archiveDir = place.dir;
    }
    const result = await applyRetention(ctx.store, ctx.layout, plan, archiveDir, ctx.log);
    const pass = { at: new Date().toISOString(), removed: result.removed.length, archived: result.archived.length, skipped: result.skipped.length, failed: result.failed.length, freedBytes: result.freedBytes };
    await writeLastPass(ctx.store.sql, pass);
    const done = pass.archived ? `${pass.archived} folder(s) archived to ${retention.archiveFolder}` : `${pass.removed} folder(s) removed`;
    const log = pass.failed ? ctx.log.warn : ctx.log.info;
    const sameDisk = result.archiveOnSameDisk ? " (Archive_Folder is on QM_FOLDER's disk: moving folders there frees no space on it)" : "";
    log(`retention: ${done}, ${formatBytes(pass.freedBytes)} freed${sameDisk}${pass.skipped ? `, ${pass.skipped} changed meanwhile` : ""}${pass.failed ? `, ${pass.failed} could not be removed` : ""}`);
  }

  return {
    check: (daily) => (current ??= runIfDue(daily).finally(() => (current = null))),
    idle: async () => void (await current?.catch(() => undefined)),
  };
}
