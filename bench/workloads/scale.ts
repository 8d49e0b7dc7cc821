/**
 * Scale: the dashboard's API with 100,000 finished jobs in the database, and dispatch with
 * 10,000 jobs waiting (each needing the whole machine while one processor is taken, so
 * they cannot start; the measured jobs have a higher priority and fit).
 */
import fs from "node:fs";
import path from "node:path";
import Database from "better-sqlite3";
import type { QmInstance } from "../lib/qm-instance";
import { writeJob } from "../lib/qm-instance";
import { BUMP_JOBS_VERSION } from "../../lib/server/store/jobs-version";
import { sleep } from "../lib/jobs";
import { percentile, waitFor } from "../lib/stats";
import { folderDispatch } from "./dispatch";
import { type WorkerMemory, workerMemory } from "./overhead";

export function seedFinishedJobs(qm: QmInstance, count: number): void {
  const db = new Database(path.join(qm.dir, "qm.db"));
  const insert = db.prepare(
    `INSERT INTO Job (name, owner, info, script, nbProc, priority, params, state, folder, source, submittedAt, startedAt, finishedAt, exitCode, cpuSeconds, updatedAt)
     VALUES (?, ?, ?, 'python process.py', 1, 0, '{}', ?, ?, 'folder', ?, ?, ?, ?, ?, ?)`,
  );
  const owners = ["ana@lab.org", "ben@lab.org", "chen@lab.org", "dora@lab.org", "eli@lab.org"];
  const iso = (t: number) => new Date(t).toISOString().replace("Z", "+00:00");
  const now = Date.now();
  db.transaction(() => {
    for (let i = 0; i < count; i++) {
      const failed = i % 7 === 0;
      const finished = now - i * 60_000;
      const started = finished - 30_000 - (i % 100) * 1000;
      const name = `history-${i}`;
      insert.run(name, owners[i % owners.length], `run ${i} of the parameter sweep`, failed ? "failed" : "done",
        `${failed ? "QM_lost+found" : "QM_dJobs"}/${name}`, iso(started - 5_000), iso(started), iso(finished), failed ? 1 : 0, 12.5, iso(finished));
    }
    // As the job store does with every write: the web server keeps its counts until the version moves.
    db.prepare(BUMP_JOBS_VERSION).run(iso(now));
  })();
  db.pragma("optimize");
  db.close();
}

/** p50 and p95 of `requests` sequential rounds of GETs of `urls` (in parallel within a round, as a page loads them). */
export async function apiLatency(qm: QmInstance, urls: string[], requests: number): Promise<{ p50: number; p95: number }> {
  const samples: number[] = [];
  for (let i = 0; i < requests + 5; i++) {
    const t0 = performance.now();
    await Promise.all(urls.map(async (url) => {
      const res = await fetch(`${qm.baseUrl}${url}`);
      if (!res.ok) throw new Error(`${url}: ${res.status}`);
      await res.arrayBuffer();
    }));
    if (i >= 5) samples.push(performance.now() - t0); // the first few warm the server up
  }
  return { p50: percentile(samples, 50), p95: percentile(samples, 95) };
}

/**
 * Dispatch latency and the worker's memory with `waiting` jobs queued that cannot start:
 * its memory once quiet (5 s after the last dispatch, as it sits with such a queue; the
 * worker collects its garbage after 2 s without activity, lib/server/quiet-gc.ts), and right
 * after the dispatches.
 */
export async function dispatchWithBacklog(qm: QmInstance, waiting: number, samples: number): Promise<{ p50: number; p95: number; memory: WorkerMemory; busyMemory: WorkerMemory; intakeSeconds: number }> {
  const src = path.join(qm.qmFolder, ".bench-backlog");
  writeJob(path.join(src, "occupier"), "sleep 3600", {}, { nbProc: 1, priority: 100 });
  for (let i = 0; i < waiting; i++) writeJob(path.join(src, `waiting-${i}`), "true", {}, { nbProc: 2, priority: 0 });
  await sleep(2_500);
  fs.renameSync(path.join(src, "occupier"), path.join(qm.queued, "occupier"));
  await waitFor(() => (qm.countStates().running ?? 0) >= 1, 30_000, "the occupier to run", 10);
  const t0 = performance.now();
  for (let i = 0; i < waiting; i++) fs.renameSync(path.join(src, `waiting-${i}`), path.join(qm.queued, `waiting-${i}`));
  await waitFor(() => (qm.countStates().queued ?? 0) >= waiting, 300_000, `${waiting} queued rows`, 50);
  const intakeSeconds = (performance.now() - t0) / 1000;
  await sleep(3_000); // let the intake's work and its garbage settle
  const latencies = await folderDispatch(qm, samples, "backlog", { priority: 10 });
  const busyMemory = workerMemory(qm);
  await sleep(5_000);
  return { p50: percentile(latencies, 50), p95: percentile(latencies, 95), memory: workerMemory(qm), busyMemory, intakeSeconds };
}
