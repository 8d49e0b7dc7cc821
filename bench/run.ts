/**
 * `npm run bench`: QueueManager's speed and memory figures beside their targets, with
 * task-spooler measured in the same run (rounds alternate between the two, so that the
 * load of a shared machine falls on both alike). Prints a table and writes
 * bench/results/*.json; medians of several rounds.
 *
 *   npm run bench                 the full suite (about 20 minutes)
 *   npm run bench -- --quick      smaller counts, for trying changes
 *   npm run bench -- --only=live,scale   some sections only (memory, dispatch, throughput,
 *                                 live, scale, streaming, limits, profile, results, cli,
 *                                 estimates, retention, slurm; core: the first eight)
 *   QM_BENCH_PORT=8610 npm run bench   ports of the core instances (default 8450, 8451, 8452)
 */
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { projectRoot } from "../lib/server/bootstrap";
import { buildIfNeeded } from "../scripts/build-if-needed";
import { createInstance, type QmInstance } from "./lib/qm-instance";
import { atLeast, atMost, createReport, ratioAtLeast, ratioAtMost } from "./lib/report";
import { median, percentile, round } from "./lib/stats";
import { bareRequestCost, folderDispatch, isTspAvailable, tsp, tspDispatch, tspEnv, uploadDispatch } from "./workloads/dispatch";
import { describeMemory, webMemory, workerMemory } from "./workloads/overhead";
import { cpuSeconds, processWithEnv, rssMb } from "./lib/proc";
import { liveSection } from "./workloads/live-section";
import { measureColdQueueRead } from "./workloads/cold-start";
import { describeShares, profileNoOpJobs } from "./workloads/profile";
import { measureRunFloor } from "./workloads/run-floor";
import { defaultSpawnerKind } from "../worker/local/spawner-client";
import { apiLatency, dispatchWithBacklog, seedFinishedJobs } from "./workloads/scale";
import { downloadBig, makeBigZip, uploadBig } from "./workloads/streaming";
import { type CpuPerJob, qmThroughput, tspThroughput } from "./workloads/throughput";
import { writeAndMove } from "./workloads/write-and-move";
import { cliSection } from "./workloads/cli-section";
import { resultsSection } from "./workloads/results-section";
import { estimatesSection, slurmSection } from "./workloads/estimates-and-slurm";
import { retentionSection } from "./workloads/retention-section";

const quick = process.argv.includes("--quick");
// QM_BENCH_PORT moves the core instances' ports (it, +1, +2), for two benches on one machine.
const port = Number(process.env.QM_BENCH_PORT) || 8450;
const onlyAt = process.argv.indexOf("--only");
const only = (onlyAt > 0 ? process.argv[onlyAt + 1] : process.argv.find((a) => a.startsWith("--only="))?.slice("--only=".length))?.split(",");
const CORE = ["memory", "dispatch", "throughput", "live", "scale", "streaming", "limits", "profile"];
const want = (section: string) => !only || only.includes(section) || (only.includes("core") && CORE.includes(section));
const wantCore = CORE.some(want);
const size = {
  rounds: quick ? 1 : 3,
  dispatchJobs: quick ? 10 : 20,
  throughputJobs: quick ? 200 : 1_000,
  idleSeconds: quick ? 15 : 60,
  dashboards: 50,
  latencySamples: quick ? 8 : 20,
  history: quick ? 10_000 : 100_000,
  backlog: quick ? 1_000 : 10_000,
  streamMb: quick ? 64 : 1024,
  apiRequests: quick ? 30 : 100,
  estimateJobs: quick ? 12 : 24,
  estimateBacklog: quick ? 200 : 500,
  slurmJobs: quick ? 30 : 100,
  resultsCsvMb: 50,
  resultsPictures: 2_000,
  retentionFolders: quick ? 2_000 : 20_000,
};
const report = createReport();
const hasTsp = isTspAvailable();
const tspDir = fs.mkdtempSync(path.join(os.tmpdir(), "qm-bench-tsp-"));

/** p50 and p95 of each round, medians over rounds; `tspRun` in the same rounds, alternating. */
async function rounds(run: () => Promise<number[]>, tspRun?: () => Promise<number[]>) {
  const qm = { p50: [] as number[], p95: [] as number[] };
  const other = { p50: [] as number[], p95: [] as number[] };
  const keep = (into: typeof qm, samples: number[]) => (into.p50.push(percentile(samples, 50)), into.p95.push(percentile(samples, 95)));
  for (let r = 0; r < size.rounds; r++) {
    keep(qm, await run());
    if (tspRun && hasTsp) keep(other, await tspRun());
  }
  const m = (x: typeof qm) => ({ p50: median(x.p50), p95: median(x.p95) });
  return { qm: m(qm), tsp: other.p50.length ? m(other) : undefined };
}

async function memorySection(qm: QmInstance) {
  console.log("memory, idle");
  const idle = workerMemory(qm);
  report.add({ name: "worker + helpers RSS, idle", value: idle.totalMb, unit: "MB", target: "<= 60 MB", note: describeMemory(idle) }, atMost(60));
  report.add({ name: "web server RSS, idle", value: webMemory(qm), unit: "MB", target: "<= 120 MB" }, atMost(120));
}

async function dispatchSection(qm: QmInstance) {
  console.log("dispatch latency (idle system), the job complete when it arrives");
  // The worker's CPU for these lone jobs (each dispatched and ended with the queue empty),
  // beside a job of the throughput burst's ("CPU per no-op job"): docs/performance.md.
  let workerCpu = 0;
  const folder = await rounds(async () => {
    const before = cpuSeconds(qm.worker!.pid!);
    const samples = await folderDispatch(qm, size.dispatchJobs);
    workerCpu += cpuSeconds(qm.worker!.pid!) - before;
    return samples;
  }, () => tspDispatch(tspDir, size.dispatchJobs));
  const lone = (workerCpu * 1000) / (size.dispatchJobs * size.rounds);
  report.add({ name: "dispatch via folder, p50", value: folder.qm.p50, unit: "ms", tsp: folder.tsp?.p50, target: "<= 1.2x tsp", note: `worker CPU ${round(lone)} ms per lone job (its dispatch and end)` }, ratioAtMost(1.2));
  report.add({ name: "dispatch via folder, p95", value: folder.qm.p95, unit: "ms", tsp: folder.tsp?.p95 });
  // Where an upload's time goes: the answer to the request, the web server's CPU for it,
  // and what any request costs it (Next.js's own floor): docs/performance.md, "The API upload".
  const responses: number[] = [];
  const webBefore = cpuSeconds(qm.web!.pid!);
  const upload = await rounds(() => uploadDispatch(qm, size.dispatchJobs, responses));
  const webPerUpload = ((cpuSeconds(qm.web!.pid!) - webBefore) * 1000) / responses.length;
  const bare = await bareRequestCost(qm, size.dispatchJobs * 5);
  const uploadNote = `a zip through POST /api/jobs; answered at p50 ${round(percentile(responses, 50))} ms, web CPU ${round(webPerUpload)} ms per upload; any request (GET /api/health): ${round(bare.p50)} ms, ${round(bare.cpuMs)} ms of web CPU`;
  report.add({ name: "dispatch via API upload, p50", value: upload.qm.p50, unit: "ms", tsp: folder.tsp?.p50, target: "<= 1.2x tsp", note: uploadNote }, ratioAtMost(1.2));
  console.log("a script that writes a job folder and moves it in at once");
  const written = await rounds(() => writeAndMove(qm, size.dispatchJobs, true), () => tspDispatch(tspDir, size.dispatchJobs, true));
  report.add({ name: "write and move, p50 (manifest)", value: written.qm.p50, unit: "ms", tsp: written.tsp?.p50, target: "<= 50 ms", note: "from the first write; tsp: the shell writes the folder, then `tsp`" }, atMost(50));
  const plain = await writeAndMove(qm, quick ? 2 : 3, false);
  report.add({ name: "write and move, p50 (no manifest)", value: percentile(plain, 50), unit: "ms", note: "the rule before: Settle_Time (2 s)" });
  return folder.qm;
}

/** The throughput round's figures: CPU per job, and task-spooler's jobs/s when it ran beside. */
interface Throughput {
  cpu: CpuPerJob;
  tspRate?: number;
}

async function throughputSection(qm: QmInstance): Promise<Throughput> {
  console.log(`throughput, ${size.throughputJobs} no-op jobs`);
  const rates: number[] = [];
  const cpus: CpuPerJob[] = [];
  const tspRounds: { rate: number; machineMs: number }[] = [];
  for (let r = 0; r < size.rounds; r++) {
    const { rate, cpu } = await qmThroughput(qm, size.throughputJobs, r);
    rates.push(rate);
    cpus.push(cpu);
    if (hasTsp) tspRounds.push(await tspThroughput(tspDir, size.throughputJobs));
  }
  const mid = (k: keyof CpuPerJob) => median(cpus.map((c) => c[k]));
  const cpu: CpuPerJob = { worker: mid("worker"), helper: mid("helper"), jobs: mid("jobs"), machine: mid("machine") };
  const rate = median(rates);
  const tspRate = tspRounds.length ? median(tspRounds.map((t) => t.rate)) : undefined;
  const tspMachine = tspRounds.length ? median(tspRounds.map((t) => t.machineMs)) : undefined;
  report.add({ name: `throughput, ${size.throughputJobs} no-op jobs`, value: rate, unit: "jobs/s", tsp: tspRate, target: ">= 1.0x tsp", note: "folders renamed in / `tsp true` from a shell loop" }, ratioAtLeast(1));
  report.add({ name: "CPU per no-op job", value: cpu.worker + cpu.helper + cpu.jobs, unit: "ms", note: `worker ${round(cpu.worker)}, spawner ${round(cpu.helper)}, job processes ${round(cpu.jobs)}; wall ${round(1000 / rate)} ms per job` });
  // The whole machine's busy time per job, both tools measured alike: what the rate would be
  // if the cores never idled is the ceiling that CPU alone sets (docs/performance.md).
  const cores = os.cpus().length;
  const ceiling = (ms: number) => `${Math.round((cores * 1000) / ms)} jobs/s if the ${cores} cores never idled`;
  report.add({
    name: "machine CPU per no-op job",
    value: cpu.machine,
    unit: "ms",
    tsp: tspMachine,
    note: `every process over the round (/proc/stat); QM: ${ceiling(cpu.machine)}${tspMachine ? `, tsp (its clients, server and runs): ${ceiling(tspMachine)}` : ""}`,
  });
  const after = workerMemory(qm);
  report.add({ name: "worker + helpers RSS after throughput", value: after.totalMb, unit: "MB", note: describeMemory(after) });
  return { cpu, tspRate };
}

async function scaleSection(qm: QmInstance, emptyQueue: { p50: number }) {
  console.log(`scale: ${size.history} finished jobs`);
  seedFinishedJobs(qm, size.history);
  const lists = ["/api/jobs?view=running&pageSize=200", "/api/jobs?view=queued&pageSize=200", "/api/jobs?view=finished&page=1&pageSize=25"];
  const finished = await apiLatency(qm, [lists[2]], size.apiRequests);
  report.add({ name: `finished-list API p95, ${size.history} finished`, value: finished.p95, unit: "ms", target: "<= 50 ms", note: `p50 ${round(finished.p50)} ms` }, atMost(50));
  const status = await apiLatency(qm, ["/api/status"], size.apiRequests);
  report.add({ name: `status API p95, ${size.history} finished`, value: status.p95, unit: "ms", target: "<= 50 ms", note: `p50 ${round(status.p50)} ms` }, atMost(50));
  const dashboard = await apiLatency(qm, ["/api/status", ...lists], size.apiRequests);
  report.add({ name: `dashboard load p95, ${size.history} finished`, value: dashboard.p95, unit: "ms", target: "<= 50 ms", note: "status + 3 lists in parallel" }, atMost(50));
  // A filtered search (state, owner and text, none of them indexed) and the statistics page's
  // grouped scans: the cases that read every row rather than a page of an index.
  const search = await apiLatency(qm, ["/api/jobs?view=finished&state=failed&owner=ben&q=sweep&pageSize=25"], size.apiRequests);
  report.add({ name: `filtered finished list p95, ${size.history} finished`, value: search.p95, unit: "ms", target: "<= 250 ms", note: `state, owner and text; p50 ${round(search.p50)} ms` }, atMost(250));
  // Kept while no job changes (lib/server/stats/job-stats-cache.ts): repeated requests, and the
  // computation after a change (each other ?days= is a new one).
  const stats = await apiLatency(qm, ["/api/stats"], size.apiRequests);
  const computations: number[] = [];
  for (let days = 20; days < 27; days++) {
    const t0 = performance.now();
    await (await fetch(`${qm.baseUrl}/api/stats?days=${days}`)).arrayBuffer();
    computations.push(performance.now() - t0);
  }
  const computed = median(computations);
  report.add({ name: `statistics API p95, ${size.history} finished`, value: stats.p95, unit: "ms", target: "<= 250 ms", note: `kept while no job changes; p50 ${round(stats.p50)} ms; computed after a change: median ${round(computed)} ms of 7` }, atMost(250));
  report.add({ name: `statistics computed after a change, ${size.history} finished`, value: computed, unit: "ms", note: "every row read: per owner, totals and the days' chart" });
  console.log(`scale: ${size.backlog} jobs waiting`);
  const backlog = await dispatchWithBacklog(qm, size.backlog, size.dispatchJobs);
  report.add({ name: `dispatch p50, ${size.backlog} waiting`, value: backlog.p50, unit: "ms", target: "<= 1.5x empty queue", note: `empty queue ${round(emptyQueue.p50)} ms (x${round(backlog.p50 / emptyQueue.p50)}); intake of ${size.backlog} folders ${round(backlog.intakeSeconds)} s` }, () => round(backlog.p50 / emptyQueue.p50) <= 1.5);
  report.add({ name: `worker + helpers RSS, ${size.backlog} waiting`, value: backlog.memory.totalMb, unit: "MB", target: "<= 80 MB", note: `once quiet (5 s after the last dispatch): ${describeMemory(backlog.memory)}; right after the dispatches ${round(backlog.busyMemory.totalMb)} MB` }, atMost(80));
}

async function streamingSection(qm: QmInstance) {
  console.log("streaming");
  const zipFile = path.join(qm.dir, "big.zip");
  await makeBigZip(zipFile, size.streamMb);
  const up = await uploadBig(qm, zipFile);
  fs.rmSync(zipFile);
  report.add({ name: `upload ${size.streamMb} MB zip`, value: up.mbPerSecond, unit: "MB/s" });
  report.add({ name: "web RSS growth during upload", value: up.peakRssMb - up.idleRssMb, unit: "MB", target: "<= +100 MB" }, atMost(100));
  const down = await downloadBig(qm, up.jobId, qm.dir);
  report.add({ name: `download ${size.streamMb} MB job as zip`, value: down.mbPerSecond, unit: "MB/s" });
  report.add({ name: "web RSS growth during download", value: down.peakRssMb - down.idleRssMb, unit: "MB", target: "<= +100 MB" }, atMost(100));
}

/** The same dispatch and throughput without control groups: what the cgroup setup adds to a start. */
async function limitsSection(withCgroups: { p50: number }) {
  const plain = await createInstance({ maxNbProcessors: 2, port: port + 1, keys: { Limits: "none" } });
  try {
    await plain.startWorker();
    console.log("dispatch latency without control groups (Limits = none)");
    const none = await rounds(() => folderDispatch(plain, size.dispatchJobs));
    report.add({ name: "dispatch via folder p50, Limits = none", value: none.qm.p50, unit: "ms", note: `with control groups (auto): ${round(withCgroups.p50)} ms` });
    const rates: number[] = [];
    for (let r = 0; r < size.rounds; r++) rates.push((await qmThroughput(plain, size.throughputJobs, r)).rate);
    report.add({ name: `throughput, ${size.throughputJobs} no-op jobs, Limits = none`, value: median(rates), unit: "jobs/s", note: "no control group to make, enter and remove per job" });
  } finally {
    await plain.stop();
  }
}

async function profileSection(measured?: Throughput) {
  console.log("where a no-op job's CPU goes (node --cpu-prof of the worker)");
  const { worker, cpu: profiled } = await profileNoOpJobs(projectRoot, quick ? 200 : 500, port + 2);
  // The unprofiled rounds' CPU when there were some: the profiler slows what it watches.
  const cpu = measured?.cpu ?? profiled;
  report.note(`worker, ${round(cpu.worker)} ms per job, by activity: ${describeShares(worker, "byActivity", cpu.worker)}`);
  report.note(`worker, by source: ${describeShares(worker, "bySource", cpu.worker)}`);
  report.note(`spawner (${defaultSpawnerKind() === "c" ? "C" : "Perl"}), ${round(cpu.helper)} ms per job (not profiled)`);
  report.note(`job processes (the run's wrapper, forked from the spawner, the job's shell, its command; fork/exec and run): ${round(cpu.jobs)} ms per job`);
  console.log(`what a no-op run costs without the worker (the spawner driven directly, two at a time; medians of ${size.rounds} alternated rounds)`);
  const floor = await measureRunFloor(quick ? 200 : 1000, size.rounds, hasTsp ? async () => (await tspThroughput(tspDir, quick ? 200 : 1000)).rate : undefined);
  for (const r of floor.costs) {
    // Beside task-spooler's rate in the same rounds: with no worker at all, how close runs
    // started as QM starts them come (the last, contained as every QM run is, is the
    // ceiling of QM's throughput on this machine).
    const besideTsp = floor.tspRate ? ` (${round(r.runsPerSecond / floor.tspRate)}x task-spooler's ${Math.round(floor.tspRate)} jobs/s in the same rounds)` : "";
    report.note(`${r.what}: ${Math.round(r.runsPerSecond)} runs/s${besideTsp}, CPU per run ${round(r.spawnerMs)} ms in the spawner + ${round(r.runMs)} ms in the run's processes`);
  }
  // Why a lone dispatch costs the worker more than a job of a burst does (docs/performance.md).
  const cold = await measureColdQueueRead(port + 3);
  report.note(`a dispatch after a pause runs cold: its queue read (one job queued) takes ${Math.round(cold.hotUs)} us back to back, ${Math.round(cold.afterIdleUs)} us after 20 ms idle (${round(cold.afterIdleUs / cold.hotUs, 1)}x), the same statement and rows`);
}

async function coreSections(): Promise<void> {
  if (hasTsp) tsp(tspEnv(tspDir), "-S", "2");
  let throughput: Throughput | undefined;
  let emptyQueue: { p50: number } | undefined;
  const qm = await createInstance({ maxNbProcessors: 2, port });
  try {
    await qm.startWorker();
    await qm.startWeb();
    if (want("memory")) await memorySection(qm);
    if (want("dispatch")) emptyQueue = await dispatchSection(qm);
    if (want("throughput")) throughput = await throughputSection(qm);
    if (want("live")) await liveSection(qm, report, size);
    // Streaming before scale: scale leaves a job running and 10,000 waiting behind it.
    if (want("streaming")) await streamingSection(qm);
    if (want("scale") || want("limits")) emptyQueue ??= (await rounds(() => folderDispatch(qm, size.dispatchJobs))).qm;
    if (want("scale")) await scaleSection(qm, emptyQueue!);
  } finally {
    await qm.stop();
  }
  if (hasTsp) {
    const server = processWithEnv(`TS_SOCKET=${path.join(tspDir, "tsp.socket")}`);
    if (server) report.note(`task-spooler's server RSS: ${round(rssMb(server))} MB (pid ${server})`);
  }
  if (want("limits")) await limitsSection(emptyQueue!);
  if (want("profile")) await profileSection(throughput).catch((error: unknown) => report.note(`profile failed: ${error instanceof Error ? error.message : String(error)}`));
}

async function main(): Promise<void> {
  console.log(`QueueManager benchmarks${quick ? " (quick)" : ""} on ${os.cpus().length} cores, ${round(os.totalmem() / 2 ** 30, 1)} GiB, Node ${process.version}, load ${os.loadavg().map((l) => l.toFixed(1)).join(" ")}`);
  if (!hasTsp) console.log("task-spooler is not installed (apt-get install task-spooler): side-by-side figures skipped");
  buildIfNeeded(projectRoot);
  try {
    if (wantCore) await coreSections();
  } catch (error) {
    // The figures measured so far are still printed and saved.
    report.note(`stopped early: ${error instanceof Error ? error.message : String(error)}`);
    process.exitCode = 1;
  } finally {
    // The profile section's task-spooler rounds start its server again: stopped once, here.
    if (hasTsp) tsp(tspEnv(tspDir), "-K");
    fs.rmSync(tspDir, { recursive: true, force: true });
  }
  // Sections of their own: one that fails is noted, and the figures so far are still saved.
  // The qm command's latency comes before the results page's section, which leaves this VM
  // slower for a while (its 50 MB CSV and 2,000 pictures, Chromium): after it, `qm submit`
  // to running took 129-144 ms p50 and task-spooler's own dispatch 11.3 ms, against 90-97 and
  // 5.7 ms with the cli section alone (2026-12-03, docs/performance.md).
  for (const [name, section] of [["cli", cliSection], ["results", resultsSection], ["estimates", estimatesSection], ["retention", retentionSection], ["slurm", slurmSection]] as const) {
    if (!want(name)) continue;
    try {
      await section(report, size);
    } catch (error) {
      report.note(`${name} section failed: ${error instanceof Error ? error.message : String(error)}`);
    }
  }
  console.log(`\n${report.table()}`);
  const file = report.save(projectRoot, { quick, only: only?.join(",") ?? null, rounds: size.rounds, sizes: size });
  console.log(`\nresults written to ${path.relative(projectRoot, file)}`);
}

main().catch((error: unknown) => {
  console.error(error instanceof Error ? error.stack : error);
  process.exit(1);
});
