/**
 * GPUs without a GPU (these machines have none): GPU_List names devices, and what a job
 * is given is what it sees in its environment (CUDA_VISIBLE_DEVICES, NVIDIA_VISIBLE_DEVICES,
 * QM_GPUS), which CUDA honours on a real machine. Real worker, real jobs, real database.
 * scripts/gpu-isolation.ts checks the same on real hardware with nvidia-smi.
 */
import fs from "node:fs";
import path from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { getQueueStatus } from "../../lib/server/queue-status";
import { startEstimates } from "../../lib/server/queue/start-estimates";
import { createStateCounts } from "../../lib/server/store/state-counts";
import { devices, recordGpus, seenGpus } from "./gpu-helpers";
import { createTestEnv, dropJob, raiseFlag, sharedFile, submitJob, type TestEnv, untilFlag, waitFor, waitForJob } from "./helpers";
import { type InProcessWorker, startWorker } from "./in-process";
import { type WorkerProcess, spawnWorker } from "./worker-process";

let env: TestEnv;
let worker: InProcessWorker | undefined;
const processes: WorkerProcess[] = [];

afterEach(async (ctx) => {
  if (ctx.task.result?.state === "fail") for (const w of processes) console.log(`--- worker ${w.child.pid} output:\n${w.output()}`);
  for (const w of processes.splice(0)) if (w.child.exitCode === null && w.child.signalCode === null) w.child.kill("SIGKILL");
  await worker?.stop({ now: true });
  worker = undefined;
  await env?.cleanup();
});

describe("GPUs as a scheduled resource (GPU_List = 0,1,2)", () => {
  it("jobs asking 1, 2 and 1 GPUs get disjoint devices, the third waits for one; a job without GPUs sees none", async () => {
    env = await createTestEnv({ MaxNbProcessors: 4, GPU_List: "0,1,2" });
    worker = await startWorker(env);
    const file = sharedFile(env, "gpus.txt");
    const job = (name: string, nbGpu: number) => submitJob(env, name, { script: `${recordGpus(file, name)}; ${untilFlag(env, `end-${name}`)}`, keys: { nb_gpu: nbGpu } });
    const a = await job("a", 1);
    const b = await job("b", 2);
    await waitFor("a and b running", () => seenGpus(file).size === 2);
    const c = await job("c", 1);
    await job("none", 0);
    // The CPU-only job, submitted after c, starts: c waits for a device, not for processors.
    await waitFor("the job without GPUs running", () => seenGpus(file).has("none"));
    expect((await env.db.job.findUniqueOrThrow({ where: { id: c } })).state).toBe("queued");
    const estimate = (await startEstimates(env.store, env.config(), env.layout.root)).of(c);
    expect(estimate.reason).toMatch(/^waiting for 1 GPU \(0 free of 3\); job \d+ /);

    let seen = seenGpus(file);
    const [da, db] = [devices(seen.get("a")!.cuda), devices(seen.get("b")!.cuda)];
    expect(da).toHaveLength(1);
    expect(db).toHaveLength(2);
    expect(new Set([...da, ...db])).toEqual(new Set([0, 1, 2]));
    for (const name of ["a", "b"]) expect(seen.get(name)).toMatchObject({ nvidia: seen.get(name)!.cuda, qm: seen.get(name)!.cuda });
    // Set, and empty: CUDA sees no device.
    expect(seen.get("none")).toEqual({ cuda: "", nvidia: "", qm: "" });

    raiseFlag(env, "end-a");
    await waitFor("c running once a ended", () => seenGpus(file).has("c"));
    seen = seenGpus(file);
    expect(devices(seen.get("c")!.cuda)).toEqual(da);
    expect((await env.db.job.findUniqueOrThrow({ where: { id: a } })).state).toBe("done");

    // The devices a run holds: in its row (the dashboard's list) and at the top of its process.log.
    const bRow = await env.db.job.findUniqueOrThrow({ where: { id: b } });
    expect(JSON.parse(bRow.runInfo!).gpus).toEqual(db);
    expect(fs.readFileSync(path.join(env.layout.root, bRow.folder, "process.log"), "utf8")).toContain(`=== GPUs: ${db.join(",")}`);
    const status = await getQueueStatus(env.db, createStateCounts(env.store.sql), 4);
    expect(status.gpus).toMatchObject({ list: "0,1,2", total: 3 });
    expect(worker.logs.join("\n")).toMatch(/GPUs: 0,1,2 \(GPU_List/);

    for (const name of ["b", "c", "none"]) raiseFlag(env, `end-${name}`);
    await waitFor("all done", async () => (await env.db.job.count({ where: { state: "done" } })) === 4);
  });

  it("a job asking more GPUs than exist is refused at submit, and cancelled at dispatch when dropped in by hand, without blocking the queue", async () => {
    env = await createTestEnv({ GPU_List: "0,1,2" });
    worker = await startWorker(env);
    await expect(submitJob(env, "greedy", { script: "true", keys: { nb_gpu: 4 } })).rejects.toMatchObject({
      code: "INVALID_INPUT",
      message: "proc_config.cfg: this job cannot run here: it asks for 4 GPUs (nb_gpu = 4) and this server has 3 GPUs for jobs (GPU_List = 0,1,2); ask for 3 or fewer",
    });
    expect(await env.db.job.count()).toBe(0);
    expect(fs.readdirSync(env.layout.queued)).toEqual([]);

    dropJob(env, "greedy-drop", { script: "echo should not run", keys: { nb_gpu: 4 } });
    dropJob(env, "modest", { script: "true", keys: { nb_gpu: 3 } });
    const cancelled = await waitForJob(env, "greedy-drop", ["cancelled"]);
    expect(cancelled.error).toBe("it asks for 4 GPUs (nb_gpu = 4) and this server has 3 GPUs for jobs (GPU_List = 0,1,2); ask for 3 or fewer");
    expect(fs.readFileSync(path.join(env.layout.root, cancelled.folder, "qm-error.txt"), "utf8")).toContain("it asks for 4 GPUs (nb_gpu = 4)");
    expect(fs.existsSync(path.join(env.layout.root, cancelled.folder, "process.log"))).toBe(false);
    await waitForJob(env, "modest", ["done"]);
  });

  it("the GPU budget survives a worker restart: after SIGKILL mid-run the adopted job keeps its devices, a new job does not get them", async () => {
    env = await createTestEnv({ MaxNbProcessors: 4, GPU_List: "0,1,2", Kill_Grace: 1 });
    const start = async () => {
      const w = spawnWorker({ configPath: env.configPath, dataDir: env.dir, databaseUrl: env.databaseUrl });
      processes.push(w);
      await w.started();
      return w;
    };
    const file = sharedFile(env, "gpus.txt");
    const job = (name: string, nbGpu: number) => submitJob(env, name, { script: `${recordGpus(file, name)}; ${untilFlag(env, `end-${name}`)}`, keys: { nb_gpu: nbGpu } });
    const first = await start();
    await job("holder", 2);
    await waitFor("holder running", () => seenGpus(file).has("holder"));
    const held = devices(seenGpus(file).get("holder")!.cuda);
    expect(held).toEqual([0, 1]);
    first.child.kill("SIGKILL");
    await first.exited;

    const second = await start();
    expect(second.output()).toMatch(/job=\d+ recovery: still runs \(pid \d+\): adopted/);
    await job("newcomer", 1);
    await waitFor("newcomer running", () => seenGpus(file).has("newcomer"));
    expect(devices(seenGpus(file).get("newcomer")!.cuda)).toEqual([2]);
    // Both devices of the adopted job are still its own: a third job waits for the newcomer's.
    await job("third", 1);
    raiseFlag(env, "end-newcomer");
    await waitFor("third running", () => seenGpus(file).has("third"));
    expect(devices(seenGpus(file).get("third")!.cuda)).toEqual([2]);
    expect(await waitForJob(env, "newcomer", ["done"])).toMatchObject({ state: "done" });
    expect((await waitForJob(env, "holder", ["running"])).state).toBe("running");

    raiseFlag(env, "end-holder");
    raiseFlag(env, "end-third");
    await waitFor("all done", async () => (await env.db.job.count({ where: { state: "done" } })) === 3);
    second.child.kill("SIGTERM");
    expect(await second.exited).toBe(0);
  });
});
