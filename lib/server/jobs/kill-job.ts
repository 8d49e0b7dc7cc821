import { AppError } from "../../core/app-error";
import type { Db } from "../db";
import { type QmLayout, wakeWorker } from "../qm-folders";

/**
 * Ask the worker to kill a running job (docs/protocol.md): set killRequestedAt, record
 * a `kill-requested` event, wake the worker. It ends as `killed` in QM_lost+found.
 */
export async function killJob(db: Db, layout: QmLayout, id: number, by: string): Promise<void> {
  const job = await db.job.findUnique({ where: { id } });
  if (!job || job.state === "deleted") throw new AppError("NOT_FOUND", `There is no job ${id}.`);
  if (job.state !== "running") {
    throw new AppError("INVALID_STATE", `Job ${id} is ${job.state}, not running; only a running job can be killed${job.state === "queued" ? " (delete a queued job instead)" : ""}.`);
  }
  if (job.killRequestedAt) return; // asked already: the worker is on it
  await db.$transaction(async (tx) => {
    const { count } = await tx.job.updateMany({ where: { id, state: "running", killRequestedAt: null }, data: { killRequestedAt: new Date() } });
    if (count === 0) throw new AppError("INVALID_STATE", `Job ${id} stopped running meanwhile; nothing to kill.`);
    await tx.jobEvent.create({ data: { jobId: id, kind: "kill-requested", detail: `by ${by}` } });
  });
  wakeWorker(layout);
}
