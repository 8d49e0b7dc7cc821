/**
 * How good are the start estimates? A mixed workload is replayed on a QueueManager of its
 * own (real worker and web server): jobs of 1 or 2 processors, 2 to 9 s long, some
 * reporting progress (`processing i / n`), some silent, and one array with a `%1` limit,
 * arriving over the first seconds on 2 processors so that a queue builds up. Every second
 * the dashboard's queued list (GET /api/jobs?view=queued) is read and each waiting job's
 * predicted start recorded; at the end each prediction is compared with the job's real
 * start. Then, with the queue paused and 500 jobs waiting, the list's latency is measured
 * (every waiting job gets its estimate in each answer).
 */
import fs from "node:fs";
import path from "node:path";
import type { JobsAnswer } from "../../lib/core/api-types";
import { createInstance } from "../lib/qm-instance";
import { writeJob } from "../lib/qm-instance";
import { sleep } from "../lib/jobs";
import { percentile, waitFor } from "../lib/stats";
import { apiLatency } from "./scale";

export interface EstimateAccuracy {
  /** Mean absolute error of the predicted start, seconds. */
  maeSeconds: number;
  medianAbsErrorSeconds: number;
  /** Mean time from a prediction to the real start, seconds (the horizon predicted over). */
  meanHorizonSeconds: number;
  predictions: number;
  /** Share of (waiting job, sample) pairs that had an estimate at all, percent. */
  coveragePercent: number;
  jobs: number;
  listP50Ms: number;
  listP95Ms: number;
}

/** A small deterministic generator: the same workload every run. */
function random(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (s + 0x6d2b79f5) >>> 0;
    let t = Math.imul(s ^ (s >>> 15), 1 | s);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 2 ** 32;
  };
}

interface Planned {
  name: string;
  atMs: number;
  script: string;
  nbProc: number;
  keys?: Record<string, string>;
}

function plan(count: number): Planned[] {
  const rnd = random(14);
  const jobs: Planned[] = [];
  for (let i = 0; i < count; i++) {
    const seconds = 2 + Math.floor(rnd() * 8);
    const reports = rnd() < 0.6;
    const script = reports ? `for i in $(seq 1 ${seconds}); do sleep 1; echo "processing $i / ${seconds}"; done` : `sleep ${seconds}`;
    jobs.push({ name: `mix-${i}`, atMs: Math.floor(rnd() * 12_000), script, nbProc: rnd() < 0.3 ? 2 : 1 });
  }
  jobs.push({ name: "sweep", atMs: 3_000, script: 'for i in 1 2 3 4; do sleep 1; echo "processing $i / 4"; done', nbProc: 1, keys: { array: "1-4%1" } });
  return jobs.sort((a, b) => a.atMs - b.atMs);
}

function writePlanned(dir: string, job: Planned): void {
  writeJob(dir, job.script, {}, { nbProc: job.nbProc });
  if (job.keys) fs.appendFileSync(path.join(dir, "proc_config.cfg"), Object.entries(job.keys).map(([k, v]) => `${k} = ${v}\n`).join(""));
}

export async function estimateAccuracy(port: number, count: number, backlog: number): Promise<EstimateAccuracy> {
  const qm = await createInstance({ maxNbProcessors: 2, port, settleMs: 200 });
  try {
    await qm.startWorker();
    await qm.startWeb();
    const src = path.join(qm.qmFolder, ".bench-estimates");
    // A little history first: typical run times for the silent jobs.
    for (let i = 0; i < 3; i++) writeJob(path.join(src, `warm-${i}`), `sleep ${3 + i}`);
    await sleep(500);
    for (let i = 0; i < 3; i++) fs.renameSync(path.join(src, `warm-${i}`), path.join(qm.queued, `warm-${i}`));
    await waitFor(() => (qm.countStates().done ?? 0) >= 3, 60_000, "the warm-up jobs", 100);

    const jobs = plan(count);
    for (const job of jobs) writePlanned(path.join(src, job.name), job);
    await sleep(500); // older than Settle_Time: moved in whole, they count at once
    const predictions: { id: number; atMs: number; predictedMs: number }[] = [];
    let samples = 0;
    let withEstimate = 0;
    const t0 = Date.now();
    let next = 0;
    const total = count + 4 + 3;
    while ((qm.countStates().done ?? 0) < total) {
      while (next < jobs.length && Date.now() - t0 >= jobs[next].atMs) {
        fs.renameSync(path.join(src, jobs[next].name), path.join(qm.queued, jobs[next].name));
        next += 1;
      }
      const answer = (await (await fetch(`${qm.baseUrl}/api/jobs?view=queued&pageSize=500`)).json()) as JobsAnswer;
      const at = Date.parse(answer.serverTime);
      for (const job of answer.jobs) {
        samples += 1;
        if (!job.estimate?.startAt) continue;
        withEstimate += 1;
        predictions.push({ id: job.id, atMs: at, predictedMs: Date.parse(job.estimate.startAt) });
      }
      if (Date.now() - t0 > 300_000) throw new Error(`the estimate workload did not finish in 5 minutes: ${JSON.stringify(qm.countStates())}`);
      await sleep(1_000);
    }
    const started = new Map(
      (qm.db.prepare("SELECT id, startedAt FROM Job").all() as { id: number; startedAt: string }[]).map((r) => [r.id, Date.parse(r.startedAt.replace("+00:00", "Z"))]),
    );
    const errors = predictions.map((p) => Math.abs(p.predictedMs - started.get(p.id)!) / 1000);
    const horizons = predictions.map((p) => (started.get(p.id)! - p.atMs) / 1000);

    // Latency of the queued list while `backlog` jobs wait (queue paused), all estimated each time.
    const admin = { authorization: `Basic ${Buffer.from("admin:bench-admin").toString("base64")}` };
    await fetch(`${qm.baseUrl}/api/queue/pause`, { method: "POST", headers: admin });
    for (let i = 0; i < backlog; i++) writeJob(path.join(src, `wait-${i}`), "true", {}, { nbProc: 1 + (i % 2) });
    await sleep(500);
    for (let i = 0; i < backlog; i++) fs.renameSync(path.join(src, `wait-${i}`), path.join(qm.queued, `wait-${i}`));
    await waitFor(() => (qm.countStates().queued ?? 0) >= backlog, 120_000, `${backlog} queued rows`, 50);
    const list = await apiLatency(qm, `/api/jobs?view=queued&pageSize=200`, 40);

    return {
      maeSeconds: errors.reduce((a, b) => a + b, 0) / errors.length,
      medianAbsErrorSeconds: percentile(errors, 50),
      meanHorizonSeconds: horizons.reduce((a, b) => a + b, 0) / horizons.length,
      predictions: predictions.length,
      coveragePercent: (withEstimate / Math.max(1, samples)) * 100,
      jobs: total - 3,
      listP50Ms: list.p50,
      listP95Ms: list.p95,
    };
  } finally {
    await qm.stop();
  }
}
