/** Arrays as the dashboard groups them: counts per state and a combined progress. */
import type { ArraySummary } from "../../core/api-types";
import { isFinishedState } from "../../core/job-lifecycle";
import type { Db } from "../db";

type Element = { arrayId: number | null; state: string; progress: number | null; owner: string | null };

/** Combined progress: ended elements count as complete, running ones by their own progress. */
export function combinedProgress(elements: Pick<Element, "state" | "progress">[]): number {
  if (!elements.length) return 0;
  const sum = elements.reduce((total, e) => total + (isFinishedState(e.state) ? 100 : e.state === "running" ? (e.progress ?? 0) : 0), 0);
  return Math.round((sum / elements.length) * 10) / 10;
}

async function summarize(db: Db, arrays: { id: number; name: string; spec: string; maxRunning: number | null; createdAt: Date }[], showDetails: boolean): Promise<ArraySummary[]> {
  const elements: Element[] = await db.job.findMany({
    where: { arrayId: { in: arrays.map((a) => a.id) }, state: { not: "deleted" } },
    select: { arrayId: true, state: true, progress: true, owner: true },
  });
  return arrays.map((a) => {
    const mine = elements.filter((e) => e.arrayId === a.id);
    const counts: Record<string, number> = {};
    for (const e of mine) counts[e.state] = (counts[e.state] ?? 0) + 1;
    return {
      id: a.id, name: a.name, spec: a.spec, maxRunning: a.maxRunning, createdAt: a.createdAt.toISOString(),
      owner: showDetails ? (mine[0]?.owner ?? null) : null, total: mine.length, counts, progress: combinedProgress(mine),
    };
  });
}

/** The most recent arrays that still have elements, newest first. */
export async function findArrays(db: Db, limit: number, showDetails: boolean): Promise<ArraySummary[]> {
  const arrays = await db.jobArray.findMany({ where: { jobs: { some: { state: { not: "deleted" } } } }, orderBy: { id: "desc" }, take: limit });
  return summarize(db, arrays, showDetails);
}

/** One array, or null when it does not exist or every element was deleted. */
export async function getArray(db: Db, id: number, showDetails: boolean): Promise<ArraySummary | null> {
  const array = await db.jobArray.findUnique({ where: { id } });
  const [summary] = array ? await summarize(db, [array], showDetails) : [];
  return summary && summary.total > 0 ? summary : null;
}
