import type { Db } from "../db";
import { Prisma } from "../generated/prisma/client";
import type { Job } from "../generated/prisma/client";
import { ownerUseSql } from "../queue/fair-share-usage";

type Placed = Pick<Job, "id" | "priority" | "submittedAt">;

/**
 * Queued jobs ahead of `job` in the worker's order (priority, then, with fair share on, the
 * owner's use as `usage` gives it, then submission). Held jobs keep their place but are not
 * counted: they do not run before it.
 */
export async function queuedAhead(db: Db, job: Placed, usage?: ReadonlyMap<string, number>): Promise<number> {
  if (usage) {
    // Compared with the job's own row (no date passed in): each database compares its own dates.
    const [j, me] = [ownerUseSql("j", usage), ownerUseSql("me", usage)];
    const [{ n }] = await db.$queryRaw<{ n: bigint | number }[]>(
      Prisma.sql`SELECT COUNT(*) AS n FROM "Job" j, "Job" me WHERE me."id" = ${job.id} AND j."state" = 'queued' AND (j."priority" > me."priority" OR (j."priority" = me."priority" AND (${Prisma.raw(j)} < ${Prisma.raw(me)} OR (${Prisma.raw(j)} = ${Prisma.raw(me)} AND (j."submittedAt" < me."submittedAt" OR (j."submittedAt" = me."submittedAt" AND j."id" < me."id"))))))`,
    );
    return Number(n);
  }
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

/** 1 = next to run (the worker's order, fair share included with `usage`); null when not queued. */
export async function queuePosition(db: Db, job: Placed & Pick<Job, "state">, usage?: ReadonlyMap<string, number>): Promise<number | null> {
  if (job.state !== "queued") return null;
  return (await queuedAhead(db, job, usage)) + 1;
}
