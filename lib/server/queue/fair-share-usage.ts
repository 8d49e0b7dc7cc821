/**
 * Fair share's use per owner now, as the worker reads it at each dispatch pass
 * (lib/core/fair-share.ts), and the same as SQL, so that the queued list and a job's
 * position follow the worker's order (priority, then the owner's use, then submission).
 */
import { ownerUsage } from "../../core/fair-share";
import type { QmConfig } from "../../core/qm-config";
import type { JobStore } from "../store/job-store";
import { ownerKeySql } from "../store/queue-sql";

/** CPU-seconds per owner in the window; undefined when Fair_Share is off. */
export async function fairShareUsage(store: JobStore, config: QmConfig, nowMs = Date.now()): Promise<Map<string, number> | undefined> {
  if (!config.fairShare.on) return undefined;
  const since = nowMs - config.fairShare.windowHours * 3_600_000;
  return ownerUsage(await store.usageRows(new Date(since), config.maxNbProcessors), since, nowMs);
}

/**
 * The use of the owner of table `t`'s job, as an SQL expression of literals (owners not in
 * `usage` used nothing): the same text for two jobs of one owner gives the same value.
 */
export function ownerUseSql(t: string, usage: ReadonlyMap<string, number>): string {
  if (!usage.size) return "0";
  const quote = (text: string) => `'${text.replace(/'/g, "''")}'`;
  return `(CASE ${ownerKeySql(t)} ${[...usage].map(([key, used]) => `WHEN ${quote(key)} THEN ${Number(used)}`).join(" ")} ELSE 0 END)`;
}
