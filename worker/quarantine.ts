/**
 * Quarantine: a job that was running each time the worker died, twice in a row, may be
 * what kills it (a job can exhaust memory or, where it shares the worker's privileges,
 * signal it). Such a run is stopped and ended `lost` with the reason, never requeued
 * automatically, so the service does not die again at every start. An operator who
 * restarts the worker with SIGKILL on purpose (a test of crash safety) sets
 * Quarantine_After = 0.
 */
import type { JobRow } from "../lib/server/store/job-reads";
import type { WorkerContext } from "./context";

/**
 * Record that the worker died while `row` ran; the reason to quarantine it, or null. At
 * Quarantine_After crashes (default 2) during its run it is quarantined; 0 never does.
 */
export async function quarantineReason(ctx: WorkerContext, row: JobRow): Promise<string | null> {
  await ctx.store.addEvent(row.id, "worker-crashed", "the worker stopped unexpectedly while this job ran");
  const limit = ctx.config().quarantineAfter;
  const crashes = await ctx.store.countEvents(row.id, "worker-crashed", row.startedAt ?? new Date(0));
  if (limit === 0 || crashes < limit) return null;
  return `quarantined: the worker stopped unexpectedly ${crashes} times while this job ran, so it may be what stops it; requeue it by hand if you trust it`;
}
