import fs from "node:fs";
import path from "node:path";
import { AppError } from "../../core/app-error";
import { isFinishedState } from "../../core/job-states";
import type { Db } from "../db";
import { QUEUE_DIRS, type QmLayout, freeName, resolveInside, wakeWorker } from "../qm-folders";

/**
 * Put a finished job back in the queue (docs/protocol.md): the same row becomes `queued`
 * with its run results cleared (kept in the `requeued` event), its folder goes back to
 * QM_qJobs under a free name. The row is updated first, as for an upload, so the worker
 * knows the folder that appears is complete; a failed rename puts the row back.
 */
export async function requeueJob(db: Db, layout: QmLayout, id: number, by: string): Promise<{ folder: string }> {
  const job = await db.job.findUnique({ where: { id } });
  if (!job || job.state === "deleted") throw new AppError("NOT_FOUND", `There is no job ${id}.`);
  if (!isFinishedState(job.state)) throw new AppError("INVALID_STATE", `Job ${id} is ${job.state}; only a finished job (done, failed, killed, lost, invalid) can be requeued.`);
  const source = resolveInside(layout.root, job.folder);
  if (!source || !fs.existsSync(source)) throw new AppError("CONFLICT", `Job ${id}'s folder (${job.folder}) is not there any more; it cannot be requeued.`);

  const name = freeName(layout.queued, job.name);
  const folder = `${QUEUE_DIRS.queued}/${name}`;
  const previous = { state: job.state, folder: job.folder, startedAt: job.startedAt, finishedAt: job.finishedAt, exitCode: job.exitCode, signal: job.signal, cpuSeconds: job.cpuSeconds, peakMemoryKb: job.peakMemoryKb, progress: job.progress, error: job.error };
  const cleared = { startedAt: null, finishedAt: null, exitCode: null, signal: null, cpuSeconds: null, peakMemoryKb: null, progress: null, killRequestedAt: null, error: null, pid: null };

  await db.$transaction(async (tx) => {
    const { count } = await tx.job.updateMany({ where: { id, state: job.state }, data: { state: "queued", folder, submittedAt: new Date(), ...cleared } });
    if (count === 0) throw new AppError("CONFLICT", `Job ${id} changed state meanwhile; reload and try again.`);
    await tx.jobEvent.create({ data: { jobId: id, kind: "requeued", detail: JSON.stringify({ by, previous }) } });
  });
  try {
    await fs.promises.rename(source, path.join(layout.queued, name));
  } catch (error) {
    await db.job.update({ where: { id }, data: previous });
    await db.jobEvent.create({ data: { jobId: id, kind: "requeue-failed", detail: (error as Error).message } });
    throw new AppError("CONFLICT", `Job ${id}'s folder could not be moved back to QM_qJobs (${(error as NodeJS.ErrnoException).code ?? "error"}); it stays ${job.state}.`);
  }
  wakeWorker(layout);
  return { folder };
}
