/**
 * Two QueueManagers on one machine (a lab's two queues, or the e2e suite's second
 * instance): a worker that starts sweeps up what its own earlier worker left, never the
 * running jobs of the other installation.
 */
import { afterEach, describe, expect, it } from "vitest";
import { createTestEnv, jobProcesses, submitJob, type TestEnv, waitFor, waitForJob } from "./helpers";
import { type InProcessWorker, startWorker } from "./in-process";

const envs: TestEnv[] = [];
const workers: InProcessWorker[] = [];
afterEach(async () => {
  for (const w of workers.splice(0)) await w.stop({ now: true });
  for (const e of envs.splice(0)) await e.cleanup();
});

describe("two QueueManagers on one machine", () => {
  it("starting the second worker leaves the first one's running job alone", async () => {
    const first = await createTestEnv({ Shutdown_Jobs: "requeue" });
    envs.push(first);
    workers.push(await startWorker(first));
    await submitJob(first, "long", { script: "while true; do sleep 0.2; done" });
    await waitForJob(first, "long", ["running"]);
    const before = await waitFor("the job's processes", () => {
      const pids = jobProcesses(first.layout.root);
      return pids.length ? pids : null;
    });

    const second = await createTestEnv();
    envs.push(second);
    workers.push(await startWorker(second));
    await new Promise((r) => setTimeout(r, 1500)); // more than the Kill_Grace a sweep would use
    // The run's wrapper (its first process) still lives; the loop's `sleep`s come and go.
    expect(jobProcesses(first.layout.root)).toContain(Math.min(...before));
    expect((await first.db.job.findFirstOrThrow({ where: { name: "long" } })).state).toBe("running");
  });
});
