/**
 * Scheduling with real processes: the processors in use never exceed MaxNbProcessors,
 * priority order, blocking mode, reservation for a large job, live config reload.
 * Jobs write their start and end times (first and last instruction) to a trace file.
 */
import { spawn, type ChildProcess } from "node:child_process";
import fs from "node:fs";
import path from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { RESERVE_AFTER_OVERTAKES } from "../../lib/core/schedule";
import { startEstimates } from "../../lib/server/queue/start-estimates";
import { readWorkerSetup } from "../../lib/server/store/worker-status";
import { createTestEnv, maxProcessorsInUse, openGate, readSpans, sharedFile, submitJob, type TestEnv, traced, waitAtGate, waitFor, waitForJob } from "./helpers";
import { startWorker, type InProcessWorker } from "./in-process";

let env: TestEnv;
let worker: InProcessWorker;
let burners: ChildProcess[] = [];

afterEach(async () => {
  for (const b of burners) b.kill("SIGKILL");
  burners = [];
  await worker?.stop();
  await env?.cleanup();
});

describe("scheduling", () => {
  it("never uses more than MaxNbProcessors, even under CPU load", async () => {
    env = await createTestEnv({ MaxNbProcessors: 3 });
    const trace = sharedFile(env, "trace.txt");
    burners = [0, 1].map(() => spawn("/bin/sh", ["-c", "while :; do :; done"], { stdio: "ignore" }));
    worker = await startWorker(env);
    const jobs = Array.from({ length: 40 }, (_, i) => ({ name: `j${i}`, procs: [1, 1, 2, 3, 5][i % 5] }));
    for (const j of jobs) await submitJob(env, j.name, { script: traced(trace, j.name, Math.min(j.procs, 3), `sleep 0.0${(j.name.length + 3) % 10}`), nbProc: j.procs });
    await waitFor("all jobs done", async () => (await env.db.job.count({ where: { state: "done" } })) === jobs.length, 60_000);
    const spans = readSpans(trace);
    expect(spans).toHaveLength(40);
    const max = maxProcessorsInUse(spans);
    console.log(`[measure] 40 jobs (nb_proc 1,1,2,3,5), MaxNbProcessors 3, 2 CPU burners: max processors in use observed = ${max}`);
    expect(max).toBeLessThanOrEqual(3);
    expect(max).toBeGreaterThanOrEqual(2);
  });

  it("starts higher priority first, then oldest first", async () => {
    env = await createTestEnv({ MaxNbProcessors: 1 });
    worker = await startWorker(env);
    const trace = sharedFile(env, "trace.txt");
    await submitJob(env, "first", { script: traced(trace, "first", 1, "sleep 1") });
    await waitForJob(env, "first", ["running"]);
    for (const [name, priority] of [["low", 0], ["old-high", 5], ["new-high", 5], ["urgent", 9]] as const) {
      await submitJob(env, name, { script: traced(trace, name, 1, "true"), priority });
    }
    await waitFor("all done", async () => (await env.db.job.count({ where: { state: "done" } })) === 5);
    expect(readSpans(trace).sort((a, b) => a.start - b.start).map((s) => s.name)).toEqual(["first", "urgent", "old-high", "new-high", "low"]);
  });

  it("runs one job at a time when launch_type is blocking", async () => {
    env = await createTestEnv({ MaxNbProcessors: 4, launch_type: "blocking" });
    worker = await startWorker(env);
    const trace = sharedFile(env, "trace.txt");
    for (let i = 0; i < 5; i++) await submitJob(env, `b${i}`, { script: traced(trace, `b${i}`, 1, "sleep 0.1") });
    await waitFor("all done", async () => (await env.db.job.count({ where: { state: "done" } })) === 5);
    expect(maxProcessorsInUse(readSpans(trace))).toBe(1);
  });

  it("does not let small jobs overtake a large head job forever (reservation)", async () => {
    env = await createTestEnv({ MaxNbProcessors: 2 });
    worker = await startWorker(env);
    const trace = sharedFile(env, "trace.txt");
    await submitJob(env, "holder", { script: traced(trace, "holder", 1, "sleep 1.5") });
    await waitForJob(env, "holder", ["running"]);
    await submitJob(env, "big", { script: traced(trace, "big", 2, "true"), nbProc: 2 });
    for (let i = 0; i < 12; i++) await submitJob(env, `small${i}`, { script: traced(trace, `small${i}`, 1, "sleep 0.2") });
    await waitFor("all done", async () => (await env.db.job.count({ where: { state: "done" } })) === 14, 60_000);
    const spans = readSpans(trace);
    const big = spans.find((s) => s.name === "big")!;
    const overtook = spans.filter((s) => s.name.startsWith("small") && s.start < big.start);
    expect(overtook.length).toBeGreaterThan(0);
    expect(overtook.length).toBeLessThanOrEqual(RESERVE_AFTER_OVERTAKES);
    expect(maxProcessorsInUse(spans)).toBeLessThanOrEqual(2);
  });

  it("says in its heartbeat the head it reserves for, and the start estimates keep a small job behind it (they said 'about to start' while it waited)", async () => {
    env = await createTestEnv({ MaxNbProcessors: 2 });
    worker = await startWorker(env, { heartbeatMs: 100 });
    await submitJob(env, "holder", { script: waitAtGate(env) });
    await waitForJob(env, "holder", ["running"]);
    const big = await submitJob(env, "big", { script: "true", nbProc: 2 });
    // Overtaken as often as the worker allows, then the big job has the free processor reserved.
    for (let i = 0; i < RESERVE_AFTER_OVERTAKES; i++) {
      await submitJob(env, `small${i}`, { script: "true" });
      await waitForJob(env, `small${i}`, ["done"]);
    }
    const late = await submitJob(env, "late", { script: "true" });
    const head = await waitFor("the reserved head in the heartbeat", async () => {
      const h = (await readWorkerSetup(env.store.sql)).headWait;
      return h && h.overtaken >= RESERVE_AFTER_OVERTAKES ? h : null;
    });
    expect(head.jobId).toBe(big);
    expect((await env.db.job.findUniqueOrThrow({ where: { id: late } })).state).toBe("queued");
    const estimates = await startEstimates(env.store, env.config(), env.layout.root);
    expect(estimates.of(late).reason).not.toMatch(/about to start/);
    // Behind the big job, which starts when the holder ends (judged by the jobs done before it).
    const [lateAt, bigAt] = [estimates.of(late).startAt, estimates.of(big).startAt];
    if (lateAt !== null) expect(Date.parse(lateAt)).toBeGreaterThanOrEqual(Date.parse(bigAt!));
    openGate(env);
    await waitForJob(env, "late", ["done"]);
  });

  it("applies a new MaxNbProcessors from QMserv.cfg without a restart, and keeps the old settings on an invalid file", async () => {
    env = await createTestEnv({ MaxNbProcessors: 1 });
    worker = await startWorker(env);
    const trace = sharedFile(env, "trace.txt");
    env.writeConfig({ MaxNbProcessors: "many" });
    await waitFor("invalid config reported", () => worker.logs.find((l) => l.includes("QMserv.cfg is invalid, keeping the previous settings")));
    for (let i = 0; i < 3; i++) await submitJob(env, `r${i}`, { script: traced(trace, `r${i}`, 1, "sleep 2") });
    await waitForJob(env, "r0", ["running"]);
    expect(await env.db.job.count({ where: { state: "running" } })).toBe(1);
    env.writeConfig({ MaxNbProcessors: 3 });
    await waitFor("3 jobs running side by side", async () => (await env.db.job.count({ where: { state: "running" } })) === 3, 10_000);
    expect(worker.logs.some((l) => l.includes("MaxNbProcessors 1 -> 3"))).toBe(true);
  });

  it("keeps its settings when a reload names an Archive_Folder that is a symbolic link to /etc", async () => {
    env = await createTestEnv();
    worker = await startWorker(env);
    const link = path.join(env.dir, "archive");
    fs.symlinkSync("/etc", link);
    env.writeConfig({ Archive_Folder: link, Keep_Days: 1 });
    const said = await waitFor("the reload refused", () => worker.logs.find((l) => l.includes("QMserv.cfg is invalid, keeping the previous settings")));
    expect(said).toContain(`Archive_Folder (${link}, a symbolic link to /etc) is /etc`);
  });
});
