/**
 * A run that cannot be started (here: the uid pool is used up, by no job of this worker) ends
 * at once as failed, with the reason, its folder moved on: it does not stay `running` with
 * nothing behind it.
 */
import { spawn } from "node:child_process";
import fs from "node:fs";
import path from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { createTestEnv, submitJob, type TestEnv, waitFor, waitForJob } from "./helpers";
import { startWorker, type InProcessWorker } from "./in-process";

let env: TestEnv;
let worker: InProcessWorker;
afterEach(async () => {
  await worker?.stop();
  await env?.cleanup();
});

describe.skipIf(process.getuid?.() !== 0)("a start that fails", () => {
  it("a job that finds no free uid, and none of this worker's to come back, fails with the reason; the queue goes on", async () => {
    env = await createTestEnv();
    const first = Number(env.config().jobUids.split("-")[0]);
    env.writeConfig({ Job_Uids: `${first}-${first}` });
    // The pool's one uid is used by a process that is no job of this worker: nothing frees it
    // that the worker could wait for (a uid held by its own running job makes the next job wait:
    // uid-leftovers.int.test.ts).
    const squatter = spawn("setpriv", [`--reuid=${first}`, `--regid=${first}`, "--clear-groups", "sleep", "60"], { stdio: "ignore" });
    try {
      await waitFor("the squatter runs as the pool's uid", () => fs.existsSync(`/proc/${squatter.pid}`) && fs.statSync(`/proc/${squatter.pid}`).uid === first);
      worker = await startWorker(env);
      await submitJob(env, "squeezed", { script: "echo never" });
      const failed = await waitForJob(env, "squeezed", ["failed", "done"]);
      expect(failed.state).toBe("failed");
      expect(failed.error).toMatch(/could not start: every uid of Job_Uids \(\d+-\d+\) is held/);
      expect(failed.folder).toMatch(/^QM_lost\+found\//);
      const log = fs.readFileSync(path.join(env.layout.root, failed.folder, "process.log"), "utf8");
      expect(log).toContain("could not start: every uid of Job_Uids");
      expect(log).not.toContain("never");
      // The worker's log says it too (an administrator reads that, not every job's page).
      expect(worker.logs.some((l) => l.includes("failed: could not start: every uid of Job_Uids"))).toBe(true);
    } finally {
      squatter.kill("SIGKILL");
    }
    // Once the uid is free again (the worker looks at /proc at most once a second), jobs run.
    await new Promise((r) => setTimeout(r, 1_500));
    await submitJob(env, "after", { script: "echo ran" });
    expect((await waitForJob(env, "after", ["done", "failed"])).state).toBe("done");
  });
});
