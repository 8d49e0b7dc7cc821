/**
 * What the worker does with GPU devices besides the environment: the control-group deny of
 * other jobs' device files (v1 devices controller), and the nvidia-smi sampler, against
 * output recorded in nvidia-smi's format (docs/gpus.md) and, where the machine has one,
 * the real nvidia-smi.
 */
import { execFileSync } from "node:child_process";
import fs from "node:fs";
import path from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { toJobDetail } from "../../lib/server/jobs/job-view";
import { findNvidiaSmi } from "../gpus/detect-gpus";
import { createTestEnv, raiseFlag, sharedFile, startSmtpServer, submitJob, type TestEnv, untilFlag, waitFor, waitForJob } from "./helpers";
import { type InProcessWorker, startWorker } from "./in-process";

let env: TestEnv;
let worker: InProcessWorker | undefined;

afterEach(async () => {
  await worker?.stop({ now: true });
  worker = undefined;
  await env?.cleanup();
});

const FIXTURES = path.join(import.meta.dirname, "fixtures/nvidia-smi");

/** An nvidia-smi that answers the two calls the worker makes with recorded output, and counts the samples. */
function replayNvidiaSmi(dir: string): { path: string; samples: () => number } {
  const file = path.join(dir, "nvidia-smi");
  const calls = path.join(dir, "nvidia-smi.calls");
  fs.writeFileSync(
    file,
    [
      "#!/bin/sh",
      'case "$*" in',
      `  "-L") cat '${FIXTURES}/list-gpus.txt' ;;`,
      `  "--query-gpu=index,utilization.gpu,memory.used --format=csv,noheader,nounits") echo query >> '${calls}'; cat '${FIXTURES}/query-gpu.csv' ;;`,
      '  *) echo "unexpected arguments: $*" >&2; exit 2 ;;',
      "esac",
      "",
    ].join("\n"),
    { mode: 0o755 },
  );
  return { path: file, samples: () => (fs.existsSync(calls) ? fs.readFileSync(calls, "utf8").split("\n").filter(Boolean).length : 0) };
}

const isRoot = process.getuid?.() === 0;
const devicesController = fs.existsSync("/sys/fs/cgroup/devices/cgroup.procs") && fs.existsSync("/sys/fs/cgroup/memory/cgroup.procs");
const denyTestable = isRoot && devicesController;
if (!denyTestable) console.log(`[skip] GPU device deny: needs root and the control group v1 devices hierarchy (${isRoot ? "no /sys/fs/cgroup/devices" : "not root"})`);
const liveNvidiaSmi = findNvidiaSmi();
if (!liveNvidiaSmi) console.log("[skip] live GPU sampler: no nvidia-smi on the PATH (no NVIDIA driver on this machine); the sampler is tested against recorded output instead");

describe("GPU devices", () => {
  it.skipIf(!denyTestable)("control groups v1: a job cannot open the device files of GPUs it was not given", async () => {
    env = await createTestEnv({ MaxNbProcessors: 2, GPU_List: "0,1", Limits: "cgroup1" });
    // Device nodes like /dev/nvidia0 and /dev/nvidia1 (major 195): without a driver an allowed
    // open fails "No such device or address", a denied one "Operation not permitted".
    const nodes = path.join(env.shared, "dev");
    fs.mkdirSync(nodes, { mode: 0o755 });
    for (const minor of [0, 1]) execFileSync("mknod", ["-m", "666", path.join(nodes, `nvidia${minor}`), "c", "195", String(minor)]);
    const file = sharedFile(env, "opens.txt");
    const probe = (name: string) => `for d in 0 1; do echo "${name} $d $(cat '${nodes}'/nvidia$d 2>&1 | sed 's/^.*: //')" >> '${file}'; done`;
    worker = await startWorker(env, { nvidiaSmi: null });
    expect(worker.logs.join("\n")).toMatch(/control groups v1 \(memory, cpuset, cpuacct(, pids)?, devices\).*other jobs' GPUs denied/);
    const gpuJob = await submitJob(env, "with-gpu", { script: probe("with-gpu"), keys: { nb_gpu: 1 } });
    await waitForJob(env, "with-gpu", ["done"]);
    await submitJob(env, "without", { script: probe("without") });
    await waitForJob(env, "without", ["done"]);
    const runToken = (await env.db.job.findUniqueOrThrow({ where: { id: gpuJob } })).runToken!;
    expect(fs.readFileSync(file, "utf8").trim().split("\n").sort()).toEqual([
      "with-gpu 0 No such device or address",
      "with-gpu 1 Operation not permitted",
      "without 0 Operation not permitted",
      "without 1 Operation not permitted",
    ]);
    // The run's devices cgroup went with it.
    const left = fs.readdirSync("/sys/fs/cgroup/devices/qm").filter((instance) => fs.existsSync(path.join("/sys/fs/cgroup/devices/qm", instance, runToken)));
    expect(left).toEqual([]);
  });

  it("samples GPU use with one nvidia-smi call while GPU jobs run, and records peak memory and mean utilisation at the end", async () => {
    const smtp = await startSmtpServer();
    try {
      env = await createTestEnv({ MaxNbProcessors: 2, GPU_List: "auto", MailActive: "True", smtp_host: "127.0.0.1", smtp_port: smtp.port });
      const smi = replayNvidiaSmi(env.dir);
      worker = await startWorker(env, { nvidiaSmi: smi.path, gpuSampleMs: 100 });
      expect(worker.logs.join("\n")).toContain("GPUs: 0,1,2,3 (nvidia-smi -L)");
      // A job without GPUs costs no nvidia-smi call.
      await submitJob(env, "cpu-only", { script: "sleep 0.6" });
      await waitForJob(env, "cpu-only", ["done"]);
      expect(smi.samples()).toBe(0);

      const id = await submitJob(env, "train", { script: untilFlag(env, "trained"), email: "ann@lab.org", keys: { nb_gpu: 2 } });
      await waitFor("three samples", () => smi.samples() >= 3);
      raiseFlag(env, "trained");
      const row = await waitForJob(env, "train", ["done"]);
      // Devices 0 and 1 of the recording: 10240 + 3 MiB, utilisation (87 + 0) / 2.
      expect(row).toMatchObject({ gpuMemPeakMb: 10243, gpuUtilMean: 43.5 });
      const detail = toJobDetail({ ...(await env.db.job.findUniqueOrThrow({ where: { id } })), events: [] }, true);
      expect(detail).toMatchObject({ nbGpu: 2, gpuMemPeakMb: 10243, gpuUtilMean: 43.5, resources: { gpus: "0,1" } });
      await waitFor("the owner's mail", () => smtp.mails.length >= 1);
      // Quoted-printable: soft line breaks out.
      expect(smtp.mails[0].raw.replace(/=\r?\n/g, "")).toMatch(/GPUs: +0,1, [\d.]+ GPU-hours; peak GPU memory 10 GB, mean utilisation 43\.5%/);
      // Nothing runs on the GPUs any more: the sampler stops.
      const after = smi.samples();
      await new Promise((r) => setTimeout(r, 500));
      expect(smi.samples()).toBe(after);
    } finally {
      await smtp.close();
    }
  });

  it.skipIf(!liveNvidiaSmi)("samples a real GPU with the machine's nvidia-smi", async () => {
    env = await createTestEnv({ MaxNbProcessors: 2, GPU_List: "auto" });
    worker = await startWorker(env, { gpuSampleMs: 500 });
    await submitJob(env, "live", { script: "sleep 3", keys: { nb_gpu: 1 } });
    const row = await waitForJob(env, "live", ["done", "failed"]);
    expect(row.state).toBe("done");
    expect(row.gpuMemPeakMb).not.toBeNull();
    expect(row.gpuUtilMean).not.toBeNull();
  });
});
