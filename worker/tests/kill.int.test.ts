/** Kill requests as the web app makes them: no process of the job survives. */
import fs from "node:fs";
import path from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { requestKill } from "../../lib/server/jobs/kill-job";
import { createTestEnv, jobProcesses, submitJob, type TestEnv, waitFor, waitForJob } from "./helpers";
import { startWorker, type InProcessWorker } from "./in-process";

let env: TestEnv;
let worker: InProcessWorker;

afterEach(async () => {
  await worker?.stop();
  await env?.cleanup();
});

/** What the kill button does: the web app's own requestKill (row, event, wake-up). */
const killJob = (id: number) => requestKill(env.store, env.layout, id, "a test");

describe("killing a job", () => {
  it("stops the whole process group, background children included, and ends as killed in QM_lost+found", async () => {
    env = await createTestEnv({ Kill_Grace: 5 });
    worker = await startWorker(env);
    const id = await submitJob(env, "long job", { script: "sleep 1000 & sleep 1001 & echo started; while true; do sleep 0.2; done" });
    await waitForJob(env, "long job", ["running"]);
    await waitFor("3+ job processes", () => jobProcesses(env.layout.root).length >= 4);
    const t0 = Date.now();
    await killJob(id);
    const row = await waitForJob(env, "long job", ["killed", "failed", "done"]);
    const tookMs = Date.now() - t0;
    expect(row.state).toBe("killed");
    expect(row.signal).toBe("SIGTERM");
    expect(row.folder).toMatch(/^QM_lost\+found\/.*-long job$/);
    await waitFor("no process of the job left", () => jobProcesses(env.layout.root).length === 0, 10_000);
    const log = fs.readFileSync(path.join(env.layout.root, row.folder, "process.log"), "utf8");
    expect(log).toMatch(/ended .*: killed by SIGTERM, .*\n=== killed on request/);
    console.log(`[measure] kill request -> job recorded killed: ${tookMs} ms`);
  });

  it("uses SIGKILL after Kill_Grace on a job that ignores SIGTERM", async () => {
    env = await createTestEnv({ Kill_Grace: 1 });
    worker = await startWorker(env);
    const id = await submitJob(env, "stubborn", { script: "trap '' TERM; sleep 1000 & while true; do sleep 0.1; done" });
    await waitForJob(env, "stubborn", ["running"]);
    await waitFor("job processes", () => jobProcesses(env.layout.root).length >= 3);
    await killJob(id);
    const row = await waitForJob(env, "stubborn", ["killed", "failed", "done"]);
    expect(row.state).toBe("killed");
    expect(row.signal).toBe("SIGKILL");
    await waitFor("no process of the job left", () => jobProcesses(env.layout.root).length === 0, 10_000);
  });

  it("stops processes a finished script left in the background", async () => {
    env = await createTestEnv({ Kill_Grace: 1 });
    worker = await startWorker(env);
    await submitJob(env, "leaves a daemon", { script: "sleep 1000 & echo bye" });
    const row = await waitForJob(env, "leaves a daemon", ["done", "failed"]);
    expect(row.state).toBe("done");
    await waitFor("no process of the job left", () => jobProcesses(env.layout.root).length === 0, 10_000);
    expect(fs.readFileSync(path.join(env.layout.root, row.folder, "process.log"), "utf8")).toContain("left running in the background by the script were stopped");
  });
});
