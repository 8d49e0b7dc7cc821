/**
 * What a dispatch pass needs besides the queue itself (docs/worker.md): whether the
 * administrator paused the queue, which arrays are at their `%N` limit, and, with
 * Fair_Share on, each owner's recent CPU use. One small read each; the fair-share read
 * only when it is on.
 */
import type { ArrayLoad } from "../lib/core/schedule";
import { fairShareUsage } from "../lib/server/queue/fair-share-usage";
import type { QueueEntry, QueueReadOptions } from "../lib/server/store/job-reads";
import type { WorkerContext } from "./context";

export interface QueuePolicy {
  paused: boolean;
  /** How readQueue reads: arrays at their limit left out, a window per owner with fair share. */
  read: QueueReadOptions;
  /** Arrays with a limit and elements running now (decideStarts counts the pass's own starts). */
  arrays: Map<number, ArrayLoad>;
  usage?: Map<string, number>;
}

export async function readQueuePolicy(ctx: WorkerContext): Promise<QueuePolicy> {
  if (await ctx.store.readPause()) return { paused: true, read: {}, arrays: new Map() };
  const config = ctx.config();
  const arrays = await ctx.store.arrayLoads();
  const excludeArrays = [...arrays].filter(([, load]) => load.running >= load.maxRunning).map(([id]) => id);
  // The same use the queued list and positions order by (lib/server/queue/fair-share-usage.ts).
  const usage = await fairShareUsage(ctx.store, config);
  if (!usage) return { paused: false, read: { excludeArrays }, arrays };
  return { paused: false, read: { excludeArrays, perOwner: true }, arrays, usage };
}

/** The loads decideStarts needs: arrays running now, plus limited arrays of `rows` with nothing running yet. */
export function arrayLoadsFor(policy: QueuePolicy, rows: QueueEntry[]): Map<number, ArrayLoad> {
  const loads = new Map(policy.arrays);
  for (const row of rows) {
    if (row.arrayId !== null && row.arrayMaxRunning !== null && !loads.has(row.arrayId)) loads.set(row.arrayId, { maxRunning: row.arrayMaxRunning, running: 0 });
  }
  return loads;
}
