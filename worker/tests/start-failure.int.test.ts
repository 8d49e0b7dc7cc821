/**
 * A run that cannot be started (here: the uid pool is used up) ends at once as failed, with
 * the reason, its folder moved on: it does not stay `running` with nothing behind it.
 */
import fs from "node:fs";
import path from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { createTestEnv, submitJob, type TestEnv, waitForJob } from "./helpers";
import { startWorker, type InProcessWorker } from "./in-process";

let env: TestEnv;
let worker: InProcessWorker;
afterEach(async () => {
  await worker?.stop();
  await env?.cleanup();
});

describe.skipIf(process.getuid?.() !== 0)("a start that fails", () => {
  it("a job that finds no free uid fails with the reason and gives back what it took; the queue goes on", async () => {
    env = await createTestEnv();
    const first = Number(env.config().jobUids.split("-")[0]);
    env.writeConfig({ Job_Uids: `${first}-${first}` });
    worker = await startWorker(env);
    await submitJob(env, "holder", { script: "sleep 2" });
    // Running, or (when it could not start either) failed with its reason, said at once.
    const holder = await waitForJob(env, "holder", ["running", "failed", "done"]);
    expect({ state: holder.state, error: holder.error }).toEqual({ state: "running", error: null });
    await submitJob(env, "squeezed", { script: "echo never" });
    const failed = await waitForJob(env, "squeezed", ["failed"]);
    expect(failed.error).toMatch(/could not start: every uid of Job_Uids \(\d+-\d+\) is held/);
    expect(failed.folder).toMatch(/^QM_lost\+found\//);
    const log = fs.readFileSync(path.join(env.layout.root, failed.folder, "process.log"), "utf8");
    expect(log).toContain("could not start: every uid of Job_Uids");
    expect(log).not.toContain("never");
    // The worker's log says it too (an administrator reads that, not every job's page).
    expect(worker.logs.some((l) => l.includes("failed: could not start: every uid of Job_Uids"))).toBe(true);
    // The uid comes back once the holder has ended and its temporary files are swept (~1 s).
    await waitForJob(env, "holder", ["done"]);
    await new Promise((r) => setTimeout(r, 2_500));
    await submitJob(env, "after", { script: "echo ran" });
    await waitForJob(env, "after", ["done"]);
  });
});
