/**
 * Why a single dispatch costs more of the worker than a job of a burst: the same work,
 * done back to back and done after the machine sat idle. The dispatch's own queue read
 * (the job store's readQueue, one job queued, as when a folder arrives at an empty queue)
 * timed in this process, hot and after 20 ms of sleep, the spacing of the dispatch rounds.
 * The statement, its plan and its rows are the same; only the caches the CPU lost while
 * it slept differ.
 */
import { planTransition } from "../../lib/core/job-lifecycle";
import { createJobReads } from "../../lib/server/store/job-reads";
import { createJobStore } from "../../lib/server/store/job-store";
import { openSql } from "../../lib/server/store/sql";
import { createInstance } from "../lib/qm-instance";
import { percentile } from "../lib/stats";

export interface ColdCost {
  hotUs: number;
  afterIdleUs: number;
}

const IDLE_MS = 20;

export async function measureColdQueueRead(port: number, rounds = 60): Promise<ColdCost> {
  const qm = await createInstance({ port });
  const sql = openSql(qm.env.DATABASE_URL!);
  try {
    await createJobStore(sql).createJob({ name: "waiting", script: "true", folder: "QM_qJobs/waiting", source: "folder" }, planTransition("submit", null, "queued", {}, "bench"));
    const reads = createJobReads(sql);
    const timeOne = async () => {
      const t0 = process.hrtime.bigint();
      await reads.readQueue([], 8);
      return Number(process.hrtime.bigint() - t0) / 1e3;
    };
    const hot: number[] = [];
    const afterIdle: number[] = [];
    for (let i = 0; i < 20; i++) await timeOne(); // compiled and cached
    for (let i = 0; i < rounds * 5; i++) hot.push(await timeOne());
    for (let i = 0; i < rounds; i++) {
      await new Promise((r) => setTimeout(r, IDLE_MS));
      afterIdle.push(await timeOne());
    }
    return { hotUs: percentile(hot, 50), afterIdleUs: percentile(afterIdle, 50) };
  } finally {
    await sql.close();
    await qm.stop();
  }
}
