/**
 * The batch script QueueManager hands to sbatch, run by a real /bin/sh (no Slurm needed):
 * the exit record it writes, the signals it survives, the walltime warning. And the sbatch
 * options built from a job and QMserv.cfg.
 */
import { spawn } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { parseExitRecord } from "../../lib/core/exit-record";
import type { LaunchSpec } from "../executor";
import { sbatchArgs, wrapperScript } from "./sbatch-command";

let dir: string;
/** Every folder a test made (a test may make several specs): all removed after it. */
const made: string[] = [];
afterEach(() => {
  for (const d of made.splice(0)) fs.rmSync(d, { recursive: true, force: true });
});

function spec(script: string, more: Partial<LaunchSpec> = {}): LaunchSpec {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), "qm-wrapper-"));
  made.push(dir);
  fs.mkdirSync(path.join(dir, "runs"));
  fs.mkdirSync(path.join(dir, "100% job's"));
  return { jobId: 7, name: "x", dir: path.join(dir, "100% job's"), script, runToken: "tok", requested: 2, granted: 2, maxNbProcessors: 2, host: "h", at: new Date(), runAs: [], cpus: [], nbGpu: 0, gpus: [], memMb: null, walltimeSeconds: null, ...more };
}

/** Run the wrapper as slurmstepd would (its own process group, output to a log); `signal` it after `afterMs`. */
function runWrapper(s: LaunchSpec, signal?: { name: NodeJS.Signals; afterMs: number; group?: boolean }, slurmVars: Record<string, string> = {}) {
  const out = fs.openSync(path.join(s.dir, "process.log"), "a");
  const child = spawn("/bin/sh", ["-s"], { cwd: s.dir, detached: true, stdio: ["pipe", out, out], env: { ...process.env, SLURM_JOB_ID: "99", ...slurmVars } });
  child.stdin!.end(wrapperScript(s, path.join(dir, "runs")));
  // Slurm signals every process of the job (the group) at a cancel or time limit; a `B:` signal goes to the batch shell only.
  if (signal) setTimeout(() => (signal.group ? process.kill(-child.pid!, signal.name) : child.kill(signal.name)), signal.afterMs);
  return new Promise<{ code: number | null; log: string; record: string | null }>((resolve) =>
    child.on("exit", (code) => {
      const file = path.join(dir, "runs", "tok.exit");
      resolve({ code, log: fs.readFileSync(path.join(s.dir, "process.log"), "utf8"), record: fs.existsSync(file) ? fs.readFileSync(file, "utf8") : null });
    }),
  );
}

describe("the Slurm batch wrapper", () => {
  it("runs the command in the job folder and records its status and CPU time atomically", async () => {
    const { code, log, record } = await runWrapper(spec(`echo "it's $PWD"; exit 3`));
    expect(code).toBe(3);
    expect(log).toMatch(/^=== Slurm job 99 started \S+Z on \S+\nit's .*100% job's\n$/);
    expect(parseExitRecord(record!)).toMatchObject({ status: 3, cpuSeconds: expect.any(Number) });
    expect(fs.readdirSync(path.join(dir, "runs"))).toEqual(["tok.exit"]);
  });

  it("survives Slurm's SIGTERM to every process of the job and records the command's end (143)", async () => {
    const { code, record } = await runWrapper(spec("sleep 30"), { name: "SIGTERM", afterMs: 300, group: true });
    expect(code).toBe(143);
    expect(parseExitRecord(record!)?.status).toBe(143);
  });

  it("on the walltime warning (USR1), leaves the timeout mark, stops the command with SIGTERM and records 143", async () => {
    const started = Date.now();
    const { code, log, record } = await runWrapper(spec("trap 'echo saving; exit 143' TERM; while true; do sleep 0.1; done"), { name: "SIGUSR1", afterMs: 300 });
    expect(Date.now() - started).toBeLessThan(5_000);
    expect(code).toBe(143);
    expect(log).toMatch(/=== QueueManager: the walltime ends: stopping the job \(SIGTERM\)\n[\s\S]*saving/);
    expect(parseExitRecord(record!)?.status).toBe(143);
    expect(fs.existsSync(path.join(dir, "runs", "tok.timeout"))).toBe(true);
  });

  it("nb_gpu > 0: the job's QM_GPUS and NVIDIA_VISIBLE_DEVICES follow the devices Slurm gave in CUDA_VISIBLE_DEVICES", async () => {
    const { log } = await runWrapper(spec(`echo "sees $CUDA_VISIBLE_DEVICES/$QM_GPUS/$NVIDIA_VISIBLE_DEVICES"`, { nbGpu: 2 }), undefined, { CUDA_VISIBLE_DEVICES: "1,3" });
    expect(log).toContain("=== GPUs given by Slurm: 1,3\nsees 1,3/1,3/1,3\n");
  });
});

describe("sbatch options", () => {
  it("name the run, its folder and log (with % escaped), and the job's CPUs, memory and walltime", () => {
    const s = spec("true", { memMb: 2048, walltimeSeconds: 3601 });
    expect(sbatchArgs(s, { partition: "long", account: "lab", sbatchArgs: ["--qos=normal"] })).toEqual([
      "--parsable", "--job-name=qm-7-tok", `--chdir=${s.dir}`, `--output=${path.join(dir, "100%% job's", "process.log")}`, "--open-mode=append", "--no-requeue",
      "--nodes=1", "--ntasks=1", "--cpus-per-task=2", "--mem=2048M", "--time=61", "--signal=B:USR1@60", "--partition=long", "--account=lab", "--qos=normal",
    ]);
    expect(sbatchArgs(spec("true", { walltimeSeconds: 30 }), { partition: "", account: "", sbatchArgs: [] }).slice(-2)).toEqual(["--time=1", "--signal=B:USR1@10"]);
    // nb_gpu: Slurm's generic resource; none asked, none named.
    expect(sbatchArgs(spec("true", { nbGpu: 2 }), { partition: "", account: "", sbatchArgs: [] })).toContain("--gres=gpu:2");
    expect(sbatchArgs(spec("true"), { partition: "", account: "", sbatchArgs: [] }).some((a) => a.startsWith("--gres"))).toBe(false);
  });

  it("slurm_sbatch_args' --mem and --time are defaults: kept for a job that does not ask, left out for one that does", () => {
    const settings = { partition: "", account: "", sbatchArgs: ["--mem", "4G", "--time=120", "--qos=long"] };
    expect(sbatchArgs(spec("true"), settings).slice(-4)).toEqual(["--mem", "4G", "--time=120", "--qos=long"]);
    const own = sbatchArgs(spec("true", { memMb: 512, walltimeSeconds: 600 }), settings);
    expect(own.filter((a) => /^--(mem|time)/.test(a))).toEqual(["--mem=512M", "--time=10"]);
    expect(own.at(-1)).toBe("--qos=long");
  });
});
