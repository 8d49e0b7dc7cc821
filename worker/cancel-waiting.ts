/**
 * The worker cancels a waiting job that can never run: its after_ok parent failed
 * (worker/dependencies.ts), or it asks for more GPUs than this worker has. The folder
 * goes to QM_lost+found with a qm-error.txt saying why (lib/server/jobs/cancel-job.ts),
 * the reason is logged and the owner mailed.
 */
import path from "node:path";
import { tooManyGpusReason } from "../lib/core/gpu-sets";
import type { WaitingState } from "../lib/core/job-lifecycle";
import { LOG_FILE } from "../lib/core/job-log";
import { cancelWaitingJob } from "../lib/server/jobs/cancel-job";
import type { JobRow, QueueEntry } from "../lib/server/store/job-reads";
import type { WorkerContext } from "./context";
import { notifyOwner } from "./notifier";

type Waiting = Pick<JobRow, "id" | "name" | "owner" | "info" | "folder"> & { state: WaitingState };

/** Cancel one waiting job; its new folder, or null when it was not waiting any more. */
export async function cancelWaiting(ctx: WorkerContext, job: Waiting, reason: string): Promise<string | null> {
  const folder = await cancelWaitingJob(ctx.store, ctx.layout, job, reason);
  if (!folder) return null;
  ctx.log(`cancelled: ${reason}`, { job: job.id });
  notifyOwner(ctx, {
    id: job.id, name: job.name, owner: job.owner, info: job.info, state: "cancelled", exitCode: null, signal: null, durationMs: 0, cpuSeconds: null,
    folder, logPath: path.join(ctx.layout.root, folder, LOG_FILE), reason,
  });
  return folder;
}

/**
 * Split queued rows into those that can run here and the ids of those cancelled because
 * they ask for more GPUs than GPU_List holds (the web app refuses them at submit when it
 * knows the worker's GPUs, but a folder dropped by hand, or a job queued before GPU_List
 * shrank, gets here).
 */
export async function cancelImpossible(ctx: WorkerContext, rows: QueueEntry[]): Promise<{ possible: QueueEntry[]; cancelled: number[] }> {
  const possible: QueueEntry[] = [];
  const cancelled: number[] = [];
  for (const row of rows) {
    const reason = tooManyGpusReason(row.nbGpu, ctx.gpus);
    if (!reason) {
      possible.push(row);
      continue;
    }
    const job = await ctx.store.queuedRow(row.id);
    if (job && (await cancelWaiting(ctx, { ...job, state: "queued" }, reason))) cancelled.push(row.id);
  }
  return { possible, cancelled };
}
