import type { Db } from "../db";
import type { Job } from "../generated/prisma/client";

/** 1 = next to run (the worker's order: priority, then submission); null when not queued. */
export async function queuePosition(db: Db, job: Pick<Job, "id" | "state" | "priority" | "submittedAt">): Promise<number | null> {
  if (job.state !== "queued") return null;
  const ahead = await db.job.count({
    where: {
      state: "queued",
      OR: [
        { priority: { gt: job.priority } },
        { priority: job.priority, submittedAt: { lt: job.submittedAt } },
        { priority: job.priority, submittedAt: job.submittedAt, id: { lt: job.id } },
      ],
    },
  });
  return ahead + 1;
}
