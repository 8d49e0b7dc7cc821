/**
 * Dispatch latency: from the moment a job is handed over (a folder renamed into
 * QM_qJobs, an upload request started, a `tsp` command run) to the job's first
 * instruction (`date +%s%N`).
 */
import { spawnSync } from "node:child_process";
import fs from "node:fs";
import path from "node:path";
import { ZipArchive } from "archiver";
import type { QmInstance } from "../lib/qm-instance";
import { prepareStampJobs, readStamp, sharedDir, sleep } from "../lib/jobs";
import { cpuSeconds } from "../lib/proc";
import { nowNs, percentile, waitFor } from "../lib/stats";

const ms = (ns: bigint) => Number(ns) / 1e6;

/** Every call gets names (and so time stamp files) of its own: rounds must not read old stamps. */
let batch = 0;

function finishedCount(qm: QmInstance): number {
  const c = qm.countStates();
  return (c.done ?? 0) + (c.failed ?? 0) + (c.invalid ?? 0);
}

async function waitAllFinal(qm: QmInstance, total: number): Promise<void> {
  await waitFor(() => finishedCount(qm) >= total, 60_000, `${total} jobs to finish`, 5);
}

/** Folders moved in whole: prepared ahead (older than Settle_Time), renamed one by one. */
export async function folderDispatch(qm: QmInstance, count: number, prefix = "drop", options: { priority?: number } = {}): Promise<number[]> {
  const src = path.join(qm.qmFolder, ".bench-src");
  const stamps = path.join(qm.dir, "stamps");
  const names = prepareStampJobs(src, stamps, count, `${prefix}${++batch}`, options);
  await sleep(2_500); // older than Settle_Time: these folders count as moved in whole
  const samples: number[] = [];
  let finished = finishedCount(qm);
  for (const name of names) {
    const t0 = nowNs();
    fs.renameSync(path.join(src, name), path.join(qm.queued, name));
    samples.push(ms((await readStamp(path.join(stamps, `${name}.ns`))) - t0));
    finished += 1;
    await waitAllFinal(qm, finished);
    await sleep(20);
  }
  return samples;
}

async function zipJob(file: string, script: string): Promise<void> {
  const out = fs.createWriteStream(file);
  const zip = new ZipArchive();
  zip.pipe(out);
  zip.append(`[QMOptions]\nscript = ${script}\nnb_proc = 1\n`, { name: "proc_config.cfg" });
  await zip.finalize();
  await new Promise<void>((r) => out.on("close", () => r()));
}

/** The same through `POST /api/jobs` with a small zip; `responses` gets when each request was answered (ms). */
export async function uploadDispatch(qm: QmInstance, count: number, responses: number[] = []): Promise<number[]> {
  const stamps = sharedDir(path.join(qm.dir, "stamps"));
  const samples: number[] = [];
  let finished = finishedCount(qm);
  const round = ++batch;
  for (let i = 0; i < count; i++) {
    const stamp = path.join(stamps, `upload${round}-${i}.ns`);
    const zipFile = path.join(qm.dir, `upload${round}-${i}.zip`);
    await zipJob(zipFile, `date +%s%N > '${stamp}'`);
    const form = new FormData();
    form.append("file", await fs.openAsBlob(zipFile), `upload-${i}.zip`);
    const t0 = nowNs();
    const res = await fetch(`${qm.baseUrl}/api/jobs`, { method: "POST", body: form, headers: { accept: "application/json", "x-qm-csrf": "1" } });
    if (!res.ok) throw new Error(`upload failed: ${res.status} ${await res.text()}`);
    await res.arrayBuffer();
    responses.push(ms(nowNs() - t0));
    samples.push(ms((await readStamp(stamp)) - t0));
    finished += 1;
    await waitAllFinal(qm, finished);
    await sleep(20);
  }
  return samples;
}

/**
 * What any request costs the web server, whatever it does: `count` GETs of /api/health
 * (one database read), one at a time. Wall time p50 and the web server's CPU per request.
 */
export async function bareRequestCost(qm: QmInstance, count: number): Promise<{ p50: number; cpuMs: number }> {
  const get = async () => void (await (await fetch(`${qm.baseUrl}/api/health`)).arrayBuffer());
  for (let i = 0; i < 10; i++) await get();
  const walls: number[] = [];
  const before = cpuSeconds(qm.web!.pid!);
  for (let i = 0; i < count; i++) {
    const t0 = nowNs();
    await get();
    walls.push(ms(nowNs() - t0));
  }
  return { p50: percentile(walls, 50), cpuMs: ((cpuSeconds(qm.web!.pid!) - before) * 1000) / count };
}

/** task-spooler with 2 slots, on a socket of its own. */
export function tspEnv(dir: string): NodeJS.ProcessEnv {
  return { ...process.env, TS_SOCKET: path.join(dir, "tsp.socket"), TS_SLOTS: "2", TS_MAXFINISHED: "10000", TMPDIR: dir };
}

export function tsp(env: NodeJS.ProcessEnv, ...args: string[]): string {
  const r = spawnSync("tsp", args, { env, encoding: "utf8" });
  if (r.status !== 0 && r.status !== null && args[0] !== "-K") throw new Error(`tsp ${args.join(" ")}: ${r.stderr}`);
  return r.stdout.trim();
}

/**
 * Hand-over to first instruction for another queue (tsp, sbatch), timed from a shell as a
 * user would type it, so that Node's own process-spawn cost is not charged to that queue.
 * `submit(stamp, i)` is the shell command handing over a job that writes `date +%s%N` to
 * `stamp`; `ended(stdout)` waits for that job to end.
 */
export async function shellHandOverLatency(env: NodeJS.ProcessEnv, stamps: string, count: number, submit: (stamp: string, i: number) => string, ended: (stdout: string) => Promise<void>): Promise<number[]> {
  fs.mkdirSync(stamps, { recursive: true });
  const samples: number[] = [];
  for (let i = 0; i < count; i++) {
    const stamp = path.join(stamps, `${i}.ns`);
    const submitted = path.join(stamps, `${i}.submit.ns`);
    const r = spawnSync("sh", ["-c", `date +%s%N > '${submitted}'; ${submit(stamp, i)}`], { env, encoding: "utf8" });
    if (r.status !== 0) throw new Error(`${submit(stamp, i)}: ${r.stderr}`);
    samples.push(ms((await readStamp(stamp)) - (await readStamp(submitted))));
    await ended(r.stdout.trim());
  }
  return samples;
}

/**
 * `tsp sh -c ...` from a shell. `writeFolder`: the shell first writes a small job folder
 * (an info file and a script), as the write-and-move script does for QM.
 */
export async function tspDispatch(dir: string, count: number, writeFolder = false): Promise<number[]> {
  const env = tspEnv(dir);
  tsp(env, "-S", "2");
  const stamps = path.join(dir, `tsp-stamps-${++batch}`);
  const write = (i: number) => {
    const job = path.join(stamps, `job-${i}`);
    return writeFolder ? `mkdir '${job}' && printf '[QMOptions]\\nscript = sh run.sh\\n' > '${job}/proc_config.cfg' && echo true > '${job}/run.sh'; ` : "";
  };
  return shellHandOverLatency(env, stamps, count, (stamp, i) => `${write(i)}tsp sh -c "date +%s%N > '${stamp}'"`, async (id) => {
    tsp(env, "-w", id);
    await sleep(20);
  });
}

export function isTspAvailable(): boolean {
  return spawnSync("tsp", ["-V"], { encoding: "utf8" }).error === undefined;
}
