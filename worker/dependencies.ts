/**
 * Dependencies seen from the worker (rule: lib/core/dependencies.ts). The queue read
 * already leaves out jobs whose parents have not ended; here, a waiting job whose
 * after_ok parent ended other than done is cancelled (folder to QM_lost+found, the reason
 * recorded) and its owner mailed; its own dependents follow. Runs when a job ends (for
 * its dependents) and after a wake-up or a restart (for all: the web app deletes and
 * cancels jobs too).
 */
import { brokenReason, dependencyStatus } from "../lib/core/dependencies";
import type { WaitingState } from "../lib/core/job-lifecycle";
import { brokenParent } from "../lib/server/jobs/broken-parent";
import { wakeWorker } from "../lib/server/wake-worker";
import type { DependencyEdge } from "../lib/server/store/queue-reads";
import { type WorkerContext, message } from "./context";
import { cancelWaiting } from "./cancel-waiting";

async function cancelBroken(ctx: WorkerContext, edges: DependencyEdge[]): Promise<number[]> {
  const cancelled: number[] = [];
  for (const edge of edges) {
    if (dependencyStatus(edge.kind, edge.parentState) !== "broken" || cancelled.includes(edge.jobId)) continue;
    const job = await ctx.store.getJob(edge.jobId);
    if (!job || (job.state !== "queued" && job.state !== "held")) continue;
    // The words say what can be done: requeue the parent, or, when it can never run again, submit this one anew.
    const reason = brokenReason(await brokenParent(ctx.store, edge.parentId, edge.parentState));
    if (await cancelWaiting(ctx, { ...job, state: job.state as WaitingState }, reason)) cancelled.push(job.id);
  }
  return cancelled;
}

/** After jobs `parentIds` ended: cancel what can never run now, wake dispatch for the rest. */
export async function settleDependents(ctx: WorkerContext, parentIds: number[]): Promise<void> {
  try {
    let edges = await ctx.store.dependents(parentIds);
    if (!edges.length) return;
    let waiting = false;
    // Cancelled children are parents too: follow the chain down.
    for (let depth = 0; edges.length && depth < 1000; depth++) {
      const cancelled = await cancelBroken(ctx, edges);
      waiting ||= edges.some((e) => !cancelled.includes(e.jobId));
      edges = await ctx.store.dependents(cancelled);
    }
    if (waiting) await wakeWorker(ctx.store.sql, ctx.layout);
  } catch (error) {
    ctx.log(`dependencies of job(s) ${parentIds.join(", ")}: ${message(error)}`);
  }
}

/** Every waiting job with a parent that failed (at start, and after the web app woke us). */
export async function settleAllDependencies(ctx: WorkerContext): Promise<void> {
  try {
    const cancelled = await cancelBroken(ctx, await ctx.store.brokenDependencies());
    if (cancelled.length) await settleDependents(ctx, cancelled);
  } catch (error) {
    ctx.log(`dependencies: ${message(error)}`);
  }
}
