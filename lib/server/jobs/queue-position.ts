import type { Db } from "../db";
import type { Job } from "../generated/prisma/client";

type Placed = Pick<Job, "id" | "priority" | "submittedAt">;

/**
 * Queued jobs ahead of `job` in the worker's order (priority, then submission). Held jobs
 * keep their place but are not counted: they do not run before it.
 */
export function queuedAhead(db: Db, job: Placed): Promise<number> {
  return db.job.count({
    where: {
      state: "queued",
      OR: [
        { priority: { gt: job.priority } },
        { priority: job.priority, submittedAt: { lt: job.submittedAt } },
        { priority: job.priority, submittedAt: job.submittedAt, id: { lt: job.id } },
      ],
    },
  });
}

/** 1 = next to run (the worker's order: priority, then submission); null when not queued. */
export async function queuePosition(db: Db, job: Placed & Pick<Job, "state">): Promise<number | null> {
  if (job.state !== "queued") return null;
  return (await queuedAhead(db, job)) + 1;
}
