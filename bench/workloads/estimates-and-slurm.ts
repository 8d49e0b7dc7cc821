/**
 * The bench's sections that run a QueueManager of their own: start-estimate accuracy, and
 * executor = slurm on a single-node cluster beside plain sbatch on the same cluster
 * (rounds interleaved).
 */
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { clusterUnavailable, startSlurmCluster } from "../../worker/slurm/tests/slurm-cluster";
import { createInstance } from "../lib/qm-instance";
import { atMost, type Report } from "../lib/report";
import { median, percentile, round } from "../lib/stats";
import { estimateAccuracy } from "./estimates";
import { qmSlurmLatency, qmSlurmThroughput, sbatchLatency, sbatchThroughput } from "./slurm";

export async function estimatesSection(report: Report, size: { estimateJobs: number; estimateBacklog: number }): Promise<void> {
  console.log(`start estimates (${size.estimateJobs} mixed jobs and a %1 array on 2 processors, replayed)`);
  const e = await estimateAccuracy(8453, size.estimateJobs, size.estimateBacklog);
  const note = `${e.predictions} predictions of ${e.jobs} jobs, made ${round(e.meanHorizonSeconds, 1)} s ahead on average`;
  report.add({ name: "start estimate mean absolute error", value: e.maeSeconds, unit: "s", note });
  report.add({ name: "start estimate median absolute error", value: e.medianAbsErrorSeconds, unit: "s" });
  report.add({ name: "waiting jobs with an estimate", value: e.coveragePercent, unit: "%", note: "held, paused or unknown run times have none" });
  report.add({ name: `queued list with estimates p50, ${size.estimateBacklog} waiting`, value: e.listP50Ms, unit: "ms" });
  report.add({ name: `queued list with estimates p95, ${size.estimateBacklog} waiting`, value: e.listP95Ms, unit: "ms", target: "<= 100 ms" }, atMost(100));
}

export async function slurmSection(report: Report, size: { rounds: number; dispatchJobs: number; slurmJobs: number }): Promise<void> {
  const noSlurm = clusterUnavailable();
  if (noSlurm) {
    console.log(`Slurm figures skipped: ${noSlurm}`);
    return;
  }
  console.log("Slurm (executor = slurm, single-node cluster started here) beside plain sbatch");
  const cluster = await startSlurmCluster({ cpus: 8 });
  const env = { ...process.env, SLURM_CONF: cluster.conf };
  const qm = await createInstance({ port: 8454, keys: { executor: "slurm", slurm_poll_interval: 1 }, env: { SLURM_CONF: cluster.conf } });
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "qm-bench-sbatch-"));
  try {
    await qm.startWorker();
    await qmSlurmLatency(qm, 1); // warm-up: the first job of a fresh cluster is slower
    await sbatchLatency(dir, env, 1);
    const lat = { qm: [] as number[][], sbatch: [] as number[][] };
    const rate = { qm: [] as number[], sbatch: [] as number[] };
    for (let r = 0; r < size.rounds; r++) {
      lat.qm.push(await qmSlurmLatency(qm, size.dispatchJobs));
      lat.sbatch.push(await sbatchLatency(dir, env, size.dispatchJobs));
      rate.qm.push(await qmSlurmThroughput(qm, size.slurmJobs));
      rate.sbatch.push(await sbatchThroughput(dir, env, size.slurmJobs));
    }
    const p = (rounds: number[][], q: number) => median(rounds.map((s) => percentile(s, q)));
    const [qm50, sb50] = [p(lat.qm, 50), p(lat.sbatch, 50)];
    report.add({ name: "Slurm submit-to-start via QM, p50", value: qm50, unit: "ms", target: "<= 1.2 x sbatch", note: `plain sbatch p50 ${round(sb50)} ms: QM/sbatch = ${round(qm50 / sb50)}` }, (v) => round(v) <= 1.2 * round(sb50));
    report.add({ name: "Slurm submit-to-start via QM, p95", value: p(lat.qm, 95), unit: "ms", note: `plain sbatch p95 ${round(p(lat.sbatch, 95))} ms` });
    const [qmRate, sbRate] = [median(rate.qm), median(rate.sbatch)];
    report.add({ name: `Slurm throughput via QM, ${size.slurmJobs} no-op jobs`, value: qmRate, unit: "jobs/s", target: ">= sbatch / 1.2", note: `plain sbatch ${round(sbRate)} jobs/s: QM/sbatch = ${round(qmRate / sbRate)}` }, (v) => round(v) >= round(sbRate) / 1.2);
  } finally {
    await qm.stop();
    await cluster.stop();
    fs.rmSync(dir, { recursive: true, force: true });
  }
}
