/**
 * Throughput: N no-op jobs (nb_proc 1, MaxNbProcessors 2) through QM and through
 * task-spooler, each submitted the fastest documented way: folders renamed into QM_qJobs
 * (prepared beforehand, as a script that moves finished folders in does), `tsp true` from
 * a shell loop. QM's round also says how much CPU each process spent per job.
 */
import { spawnSync } from "node:child_process";
import fs from "node:fs";
import path from "node:path";
import type { QmInstance } from "../lib/qm-instance";
import { writeJob } from "../lib/qm-instance";
import { sleep } from "../lib/jobs";
import { cpuSeconds, helpersOf, machineBusySeconds } from "../lib/proc";
import { waitFor } from "../lib/stats";
import { tsp, tspEnv } from "./dispatch";

/**
 * CPU milliseconds per job: the worker, its helper (the spawner), the job processes it
 * reaped; `machine`, every process of the machine over the round (the bench's own polling
 * included, a few ms in all).
 */
export interface CpuPerJob {
  worker: number;
  helper: number;
  jobs: number;
  machine: number;
}

function cpuNow(qm: QmInstance) {
  const worker = qm.worker!.pid!;
  const helper = helpersOf(worker)[0];
  return { worker: cpuSeconds(worker), helper: helper ? cpuSeconds(helper) : 0, jobs: helper ? cpuSeconds(helper, "children") : 0, machine: machineBusySeconds() };
}

/** Jobs per second from the first rename until every folder is in QM_dJobs and every row final. */
export async function qmThroughput(qm: QmInstance, count: number, round: number): Promise<{ rate: number; cpu: CpuPerJob }> {
  const src = path.join(qm.qmFolder, `.bench-tp-${round}`);
  const names = Array.from({ length: count }, (_, i) => `tp${round}-${i}`);
  for (const name of names) writeJob(path.join(src, name), "true");
  await sleep(2_500);
  const before = qm.countStates().done ?? 0;
  const doneBefore = fs.readdirSync(qm.done).length;
  const cpu0 = cpuNow(qm);
  const t0 = performance.now();
  for (const name of names) fs.renameSync(path.join(src, name), path.join(qm.queued, name));
  // Poll lightly (every 20 ms, the database only) so that the benchmark does not take the
  // CPU it measures; the folders are checked once the rows say done.
  await waitFor(() => (qm.countStates().done ?? 0) - before >= count, 600_000, `${count} rows done`, 20);
  await waitFor(() => fs.readdirSync(qm.done).length - doneBefore >= count, 60_000, `${count} folders in QM_dJobs`, 20);
  const seconds = (performance.now() - t0) / 1000;
  const cpu1 = cpuNow(qm);
  fs.rmSync(src, { recursive: true, force: true });
  const perJob = (k: keyof CpuPerJob) => ((cpu1[k] - cpu0[k]) * 1000) / count;
  return { rate: count / seconds, cpu: { worker: perJob("worker"), helper: perJob("helper"), jobs: perJob("jobs"), machine: perJob("machine") } };
}

/** The same with `tsp true` submitted one by one, 2 slots; `machineMs`: the machine's CPU per job (clients, server, runs). */
export async function tspThroughput(dir: string, count: number): Promise<{ rate: number; machineMs: number }> {
  const env = tspEnv(dir);
  tsp(env, "-S", "2");
  tsp(env, "-C");
  const busy0 = machineBusySeconds();
  const t0 = performance.now();
  // Submitted from one shell loop, as a user would script it.
  const last = spawnSync("sh", ["-c", `for i in $(seq ${count}); do id=$(tsp true); done; echo $id`], { env, encoding: "utf8" }).stdout.trim();
  tsp(env, "-w", last);
  // -w waits for that job only; the other slot may still run one.
  await waitFor(() => !/running|queued/.test(tsp(env, "-l").split("\n").slice(1).join("\n")), 60_000, "tsp to drain", 5);
  const seconds = (performance.now() - t0) / 1000;
  return { rate: count / seconds, machineMs: ((machineBusySeconds() - busy0) * 1000) / count };
}
