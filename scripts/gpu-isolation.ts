/**
 * On a machine with NVIDIA GPUs: does each job run on the device QueueManager gave it?
 * A QueueManager of its own (temporary QM_FOLDER, GPU_List = auto, the real worker) runs
 * two jobs with nb_gpu = 1 side by side; each opens a CUDA context on the one device it
 * can see (Python's ctypes and the driver's libcuda, nothing else to install), and
 * nvidia-smi, asked from outside, says which GPU each job's process is on. Exit 0 when
 * every job ran on its own device, the one in its CUDA_VISIBLE_DEVICES; 1 otherwise;
 * 2 when the machine cannot run the check (no nvidia-smi, fewer than two GPUs).
 *
 *   npx tsx scripts/gpu-isolation.ts
 */
import { execFileSync } from "node:child_process";
import fs from "node:fs";
import path from "node:path";
import { sharedDir } from "../bench/lib/jobs";
import { createInstance } from "../bench/lib/qm-instance";
import { waitFor } from "../bench/lib/stats";
import { projectRoot } from "../lib/server/bootstrap";
import { findNvidiaSmi } from "../worker/gpus/detect-gpus";
import { buildWorker } from "./build-worker";

/** Opens a context on the job's device 0 (its only one), says so, and holds it until told to stop. */
const PROBE = `import ctypes, json, os, sys, time
cuda = ctypes.CDLL("libcuda.so.1")
def check(result, what):
    if result != 0: sys.exit(f"{what} failed: CUDA error {result}")
check(cuda.cuInit(0), "cuInit")
count, dev, ctx = ctypes.c_int(), ctypes.c_int(), ctypes.c_void_p()
check(cuda.cuDeviceGetCount(ctypes.byref(count)), "cuDeviceGetCount")
check(cuda.cuDeviceGet(ctypes.byref(dev), 0), "cuDeviceGet")
check(cuda.cuDevicePrimaryCtxRetain(ctypes.byref(ctx), dev), "cuDevicePrimaryCtxRetain")
check(cuda.cuCtxSetCurrent(ctx), "cuCtxSetCurrent")
with open(sys.argv[1] + ".tmp", "w") as f: json.dump({"pid": os.getpid(), "cuda": os.environ.get("CUDA_VISIBLE_DEVICES"), "visible": count.value}, f)
os.rename(sys.argv[1] + ".tmp", sys.argv[1])
while not os.path.exists(sys.argv[2]): time.sleep(0.2)
`;

const csv = (smi: string, args: string[]) =>
  execFileSync(smi, args, { encoding: "utf8" }).trim().split("\n").filter(Boolean).map((l) => l.split(",").map((f) => f.trim()));

async function main(): Promise<number> {
  const smi = findNvidiaSmi();
  if (!smi) return console.log("no nvidia-smi on the PATH: this check needs a machine with NVIDIA GPUs and their driver"), 2;
  const gpus = csv(smi, ["--query-gpu=index,uuid", "--format=csv,noheader"]);
  if (gpus.length < 2) return console.log(`nvidia-smi lists ${gpus.length} GPU(s): the check needs two`), 2;
  const indexOf = new Map(gpus.map(([index, uuid]) => [uuid, index]));

  buildWorker(projectRoot);
  const qm = await createInstance({ maxNbProcessors: 2, settleMs: 0, keys: { GPU_List: "auto" } });
  let ok = true;
  try {
    await qm.startWorker();
    const shared = sharedDir(path.join(qm.dir, "shared"));
    const stop = path.join(shared, "stop");
    const names = ["gpu-probe-1", "gpu-probe-2"];
    for (const name of names) {
      const dir = path.join(qm.dir, "staging", name);
      fs.mkdirSync(dir, { recursive: true });
      fs.writeFileSync(path.join(dir, "probe.py"), PROBE);
      fs.writeFileSync(path.join(dir, "proc_config.cfg"), `[QMOptions]\nscript = python3 probe.py '${path.join(shared, `${name}.json`)}' '${stop}'\nnb_gpu = 1\n`);
      fs.renameSync(dir, path.join(qm.queued, name));
    }
    const seen = await waitFor(() => {
      const failed = qm.db.prepare(`SELECT folder FROM Job WHERE state NOT IN ('queued', 'running')`).get() as { folder: string } | undefined;
      if (failed) throw new Error(`a probe job ended before it held a CUDA context; its log:\n${fs.readFileSync(path.join(qm.qmFolder, failed.folder, "process.log"), "utf8")}`);
      const files = names.map((n) => path.join(shared, `${n}.json`));
      return files.every((f) => fs.existsSync(f)) && files.map((f) => JSON.parse(fs.readFileSync(f, "utf8")) as { pid: number; cuda: string; visible: number });
    }, 60_000, "both jobs to hold a CUDA context");
    const apps = csv(smi, ["--query-compute-apps=pid,gpu_uuid", "--format=csv,noheader"]);
    const used = new Set<string>();
    names.forEach((name, i) => {
      const job = seen[i];
      const on = apps.filter(([pid]) => Number(pid) === job.pid).map(([, uuid]) => indexOf.get(uuid) ?? uuid);
      console.log(`${name}: CUDA_VISIBLE_DEVICES=${job.cuda}, CUDA sees ${job.visible} device(s); nvidia-smi: pid ${job.pid} on GPU ${on.join(", ") || "(none listed)"}`);
      if (job.visible !== 1 || on.length !== 1 || on[0] !== job.cuda || used.has(on[0])) ok = false;
      used.add(on[0]);
    });
    fs.writeFileSync(stop, "");
    await waitFor(() => (qm.countStates().done ?? 0) + (qm.countStates().failed ?? 0) >= names.length, 60_000, "both jobs to end");
    for (const row of qm.db.prepare(`SELECT name, state, runInfo, gpuMemPeakMb, gpuUtilMean FROM Job ORDER BY id`).all() as Record<string, string | number | null>[]) {
      console.log(`${row.name}: ${row.state}, GPUs ${JSON.parse(String(row.runInfo)).gpus}, peak GPU memory ${row.gpuMemPeakMb ?? "not sampled"} MiB, mean utilisation ${row.gpuUtilMean ?? "not sampled"}%`);
    }
    console.log(ok ? "isolation: OK, each job ran on its own device, the one QueueManager gave it" : "isolation: FAILED (see above)");
  } finally {
    await qm.stop();
  }
  return ok ? 0 : 1;
}

main().then(
  (code) => process.exit(code),
  (error: unknown) => {
    console.error(error instanceof Error ? error.message : String(error));
    process.exit(1);
  },
);
