import { NextResponse } from "next/server";
import { getConfig, getDb } from "@/lib/web/context";

export const dynamic = "force-dynamic";

/** Counts per state and the worker's heartbeat: what the dashboard header shows. */
export async function GET() {
  const db = getDb();
  const groups = await db.job.groupBy({ by: ["state"], _count: { _all: true } });
  const worker = await db.workerStatus.findUnique({ where: { id: 1 } });
  const counts = Object.fromEntries(groups.map((g) => [g.state, g._count._all]));
  const alive = worker ? Date.now() - worker.heartbeatAt.getTime() < 15_000 : false;
  return NextResponse.json({
    counts,
    maxNbProcessors: getConfig().config.maxNbProcessors,
    worker: worker ? { alive, pid: worker.pid, host: worker.host, heartbeatAt: worker.heartbeatAt, stats: JSON.parse(worker.stats) } : null,
  });
}
