import fs from "node:fs";
import path from "node:path";
import { AppError } from "../../core/app-error";
import { isFinishedState } from "../../core/job-states";
import type { Db } from "../db";
import { type QmLayout, resolveInside } from "../qm-folders";

/**
 * Delete a queued or finished job (docs/protocol.md): rename its folder into
 * `.qm/trash/<id>` (ENOENT on a queued job means the worker took it: CONFLICT), mark the
 * row `deleted`, then remove the trash folder.
 */
export async function deleteJob(db: Db, layout: QmLayout, id: number, by: string): Promise<void> {
  const job = await db.job.findUnique({ where: { id } });
  if (!job || job.state === "deleted") throw new AppError("NOT_FOUND", `There is no job ${id}.`);
  if (job.state === "running") throw new AppError("INVALID_STATE", `Job ${id} is running; kill it first, then delete it.`);
  if (job.state !== "queued" && !isFinishedState(job.state)) throw new AppError("INVALID_STATE", `Job ${id} is ${job.state} and cannot be deleted.`);

  const trashDir = path.join(layout.internal, "trash");
  const trash = path.join(trashDir, String(id));
  const source = resolveInside(layout.root, job.folder);
  await fs.promises.mkdir(trashDir, { recursive: true });
  await fs.promises.rm(trash, { recursive: true, force: true });
  let moved = false;
  if (source) {
    try {
      await fs.promises.rename(source, trash);
      moved = true;
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== "ENOENT") throw error;
      if (job.state === "queued") throw new AppError("CONFLICT", `Job ${id} has just been started by the worker; kill it instead.`);
      // A finished job whose folder someone removed by hand: only the row is left.
    }
  }
  const { count } = await db.job.updateMany({ where: { id, state: job.state }, data: { state: "deleted" } });
  if (count === 0) {
    if (moved && source) await fs.promises.rename(trash, source).catch(() => undefined);
    throw new AppError("CONFLICT", `Job ${id} changed state meanwhile; reload and try again.`);
  }
  await db.jobEvent.create({ data: { jobId: id, kind: "deleted", detail: `by ${by}` } });
  await fs.promises.rm(trash, { recursive: true, force: true });
}
