/**
 * Through Slurm (the executor = slurm worker, on a throw-away single-node cluster) beside
 * plain `sbatch` in the same run, on the same cluster: submit-to-start latency (a folder
 * renamed into QM_qJobs, or an sbatch typed in a shell, to the job's first instruction)
 * and throughput of no-op jobs (from the first hand-over until every end is known: QM's
 * rows done, or squeue listing none of the batch as pending or running).
 */
import { spawnSync } from "node:child_process";
import fs from "node:fs";
import path from "node:path";
import type { QmInstance } from "../lib/qm-instance";
import { writeJob } from "../lib/qm-instance";
import { prepareStampJobs, readStamp, sleep } from "../lib/jobs";
import { nowNs, waitFor } from "../lib/stats";
import { shellHandOverLatency } from "./dispatch";

const ms = (ns: bigint) => Number(ns) / 1e6;
/** Between two timed jobs, both ways: the node finishes the last one (epilog, clean-up) before the next. */
const PAUSE_MS = 500;
let batch = 0;

const doneCount = (qm: QmInstance) => qm.countStates().done ?? 0;

/** QM: each job's folder renamed into QM_qJobs, one at a time, each waited for to the end. */
export async function qmSlurmLatency(qm: QmInstance, count: number): Promise<number[]> {
  const src = path.join(qm.qmFolder, ".bench-slurm-src");
  const stamps = path.join(qm.dir, "slurm-stamps");
  const names = prepareStampJobs(src, stamps, count, `slurm${++batch}`);
  await sleep(2_500); // older than Settle_Time: moved in whole
  const samples: number[] = [];
  for (const name of names) {
    const done = doneCount(qm);
    const t0 = nowNs();
    fs.renameSync(path.join(src, name), path.join(qm.queued, name));
    samples.push(ms((await readStamp(path.join(stamps, `${name}.ns`))) - t0));
    await waitFor(() => doneCount(qm) > done, 60_000, `${name} done`, 10);
    await sleep(PAUSE_MS);
  }
  return samples;
}

/** Plain sbatch, timed from a shell as a user would type it, with the same output handling (appended to a log). */
export async function sbatchLatency(dir: string, env: NodeJS.ProcessEnv, count: number): Promise<number[]> {
  const stamps = path.join(dir, `sbatch-stamps-${++batch}`);
  const submit = (stamp: string, i: number) => `sbatch --parsable --chdir='${stamps}' --output='${stamps}/${i}.log' --open-mode=append --cpus-per-task=1 --wrap "date +%s%N > '${stamp}'"`;
  return shellHandOverLatency(env, stamps, count, submit, async (id) => {
    await waitFor(() => !squeueActive(env, id), 60_000, "the sbatch job to end", 10);
    await sleep(PAUSE_MS);
  });
}

/** Some of these Slurm jobs still pend or run. */
function squeueActive(env: NodeJS.ProcessEnv, ids: string): boolean {
  const out = spawnSync("squeue", ["--noheader", "--states=PENDING,RUNNING,CONFIGURING,COMPLETING", `--jobs=${ids}`, "--format=%i"], { env, encoding: "utf8" });
  return out.stdout.trim() !== "";
}

/** QM: `count` no-op jobs renamed in at once; jobs per second until every row is done. */
export async function qmSlurmThroughput(qm: QmInstance, count: number): Promise<number> {
  const src = path.join(qm.qmFolder, `.bench-slurm-tp-${++batch}`);
  const names = Array.from({ length: count }, (_, i) => `stp${batch}-${i}`);
  for (const name of names) writeJob(path.join(src, name), "true");
  await sleep(2_500);
  const before = doneCount(qm);
  const t0 = performance.now();
  for (const name of names) fs.renameSync(path.join(src, name), path.join(qm.queued, name));
  await waitFor(() => doneCount(qm) - before >= count, 600_000, `${count} rows done`, 20);
  return count / ((performance.now() - t0) / 1000);
}

/** Plain sbatch: `count` no-op jobs from one shell loop; jobs per second until squeue lists none of them active. */
export async function sbatchThroughput(dir: string, env: NodeJS.ProcessEnv, count: number): Promise<number> {
  const logs = path.join(dir, `sbatch-tp-${++batch}`);
  fs.mkdirSync(logs, { recursive: true });
  const t0 = performance.now();
  const r = spawnSync("sh", ["-c", `for i in $(seq ${count}); do sbatch --parsable --chdir='${logs}' --output='${logs}/%j.log' --cpus-per-task=1 --wrap true; done`], { env, encoding: "utf8" });
  if (r.status !== 0) throw new Error(`sbatch failed: ${r.stderr}`);
  const ids = r.stdout.trim().split("\n").join(",");
  await waitFor(() => !squeueActive(env, ids), 600_000, `${count} sbatch jobs to end`, 20);
  return count / ((performance.now() - t0) / 1000);
}
