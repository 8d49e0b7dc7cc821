/**
 * Quarantine: a job that was running each time the worker died, twice in a row, may be
 * what kills it (a job can exhaust memory or, where it shares the worker's privileges,
 * signal it). Such a run is stopped and ended `lost` with the reason, never requeued
 * automatically, so the service does not die again at every start.
 */
import type { JobRow } from "../lib/server/store/job-reads";
import type { WorkerContext } from "./context";

/** Crashes of the worker a run may live through before it is quarantined at the next. */
const CRASHES_TOLERATED = 1;

/** Record that the worker died while `row` ran; the reason to quarantine it, or null. */
export async function quarantineReason(ctx: WorkerContext, row: JobRow): Promise<string | null> {
  await ctx.store.addEvent(row.id, "worker-crashed", "the worker stopped unexpectedly while this job ran");
  const crashes = await ctx.store.countEvents(row.id, "worker-crashed", row.startedAt ?? new Date(0));
  if (crashes <= CRASHES_TOLERATED) return null;
  return `quarantined: the worker stopped unexpectedly ${crashes} times while this job ran, so it may be what stops it; requeue it by hand if you trust it`;
}
