/**
 * Throughput and dispatch latency, measured and printed (not asserted: timing depends on
 * the machine). No-op jobs with rows (as uploads make them), MaxNbProcessors 2.
 */
import fs from "node:fs";
import path from "node:path";
import { afterEach, expect, it } from "vitest";
import { createTestEnv, makeJobFolder, type TestEnv, waitFor } from "./helpers";
import { startWorker, type InProcessWorker } from "./in-process";

let env: TestEnv;
let worker: InProcessWorker;
afterEach(async () => {
  await worker?.stop();
  await env?.cleanup();
});

it("runs many no-op jobs and reports jobs/s and dispatch latency", async () => {
  env = await createTestEnv({ MaxNbProcessors: 2 });
  const count = 300;
  const staging = path.join(env.dir, "staging");
  const trace = path.join(env.dir, "first-instruction");
  fs.mkdirSync(trace);
  // Rows first (as the web app does), folders staged on the same filesystem.
  await env.db.job.createMany({
    data: Array.from({ length: count }, (_, i) => ({ name: `n${i}`, script: `date +%s%N > '${trace}/n${i}'`, state: "queued", folder: `QM_qJobs/n${i}`, source: "api" })),
  });
  for (let i = 0; i < count; i++) makeJobFolder(staging, `n${i}`, { script: "true" });
  worker = await startWorker(env);
  const renamedAt = new Map<string, number>();
  const t0 = performance.now();
  for (let i = 0; i < count; i++) {
    renamedAt.set(`n${i}`, Date.now());
    fs.renameSync(path.join(staging, `n${i}`), path.join(env.layout.queued, `n${i}`));
    if (i % 10 === 9) await new Promise((r) => setImmediate(r));
  }
  await waitFor("all done", async () => (await env.db.job.count({ where: { state: "done" } })) === count, 120_000, 20);
  const seconds = (performance.now() - t0) / 1000;
  const latencies = [...renamedAt].map(([name, at]) => Number(fs.readFileSync(path.join(trace, name), "utf8").trim()) / 1e6 - at).sort((a, b) => a - b);
  const p = (q: number) => latencies[Math.floor(q * (latencies.length - 1))].toFixed(1);
  console.log(`[measure] ${count} no-op jobs in ${seconds.toFixed(2)} s = ${(count / seconds).toFixed(0)} jobs/s; rename -> first instruction (ms): p50 ${p(0.5)}, p90 ${p(0.9)}, max ${p(1)} (includes queueing behind earlier jobs)`);
  expect(latencies).toHaveLength(count);

  // One job at a time into an idle worker: the dispatch latency itself.
  const single: number[] = [];
  for (let i = 0; i < 30; i++) {
    const name = `s${i}`;
    const row = await env.db.job.create({ data: { name, script: `date +%s%N > '${trace}/${name}'`, state: "queued", folder: `QM_qJobs/${name}`, source: "api" } });
    makeJobFolder(staging, name, { script: "true" });
    const at = Date.now();
    fs.renameSync(path.join(staging, name), path.join(env.layout.queued, name));
    await waitFor("single job done", async () => (await env.db.job.findUnique({ where: { id: row.id } }))?.state === "done", 30_000, 10);
    single.push(Number(fs.readFileSync(path.join(trace, name), "utf8").trim()) / 1e6 - at);
  }
  single.sort((a, b) => a - b);
  console.log(`[measure] idle worker, one job at a time: rename -> first instruction p50 ${single[15].toFixed(1)} ms, max ${single[29].toFixed(1)} ms`);
});
