import { AppError } from "../../core/app-error";
import type { Db } from "../db";
import { WITH_ACCOUNT } from "./job-view";

/** The job with its history, or NOT_FOUND (a deleted job is gone for the UI too). */
export async function getJobOrThrow(db: Db, id: number) {
  const job = await db.job.findUnique({ where: { id }, include: { events: { orderBy: [{ at: "asc" }, { id: "asc" }] }, user: WITH_ACCOUNT.user } });
  if (!job || job.state === "deleted") throw new AppError("NOT_FOUND", `There is no job ${id}; it may have been deleted.`);
  return job;
}
