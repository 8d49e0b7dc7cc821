/**
 * A job that never reached Slurm (sbatch could not contact the controller: "waiting to be
 * handed to Slurm") when the worker restarted: it never ran, so it goes back to the queue
 * and runs once. It was recorded lost
 * ("the run was lost while no worker watched it") with Recovery = lost.
 */
import fs from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { slurmRunInfoOf } from "../../../lib/core/slurm-run-info";
import { createTestEnv, submitJob, waitFor, waitForJob } from "../../tests/helpers";
import { startWorker } from "../../tests/in-process";
import { useSlurmCluster } from "./slurm-cluster-hooks";

const cluster = useSlurmCluster();

const ENDED = ["done", "failed", "lost", "killed"];

describe("a worker restarted while a submission waits for the Slurm controller", () => {
  // A worker does not start while the controller is down (its start-up probe job cannot be
  // submitted): it starts once the controller is back, and finds the run never reached Slurm.
  it("puts the job back in the queue and runs it once, never lost", async () => {
    const env = await createTestEnv({ executor: "slurm", slurm_poll_interval: 1, MailActive: "False", Recovery: "lost" });
    let controllerDown = false;
    try {
      const first = await startWorker(env, { recordGraceMs: 3_000 });
      await cluster().stopController();
      controllerDown = true;
      const id = await submitJob(env, "never handed over", { script: "echo ran" });
      await waitFor("the submission to wait", async () => slurmRunInfoOf((await env.db.job.findUniqueOrThrow({ where: { id } })).runInfo)?.slurmState === "SUBMITTING");
      await first.stop(); // Shutdown_Jobs = keep
      await cluster().startController();
      controllerDown = false;
      const second = await startWorker(env, { recordGraceMs: 3_000 });
      try {
        const row = await waitForJob(env, "never handed over", ENDED, 60_000);
        expect(row).toMatchObject({ state: "done", exitCode: 0 });
        const events = await env.db.jobEvent.findMany({ where: { jobId: id }, orderBy: { id: "asc" } });
        const kinds = events.map((e) => e.kind);
        // (A job this short may be seen ended before it is seen running: "running" may be missing.)
        expect(kinds.slice(0, 4)).toEqual(["queued", "pending", "requeued", "pending"]);
        expect(kinds.at(-1)).toBe("done");
        expect(kinds).not.toContain("lost");
        expect(events[2].detail).toContain("it was never handed to Slurm");
        const log = fs.readFileSync(path.join(env.layout.root, row.folder, "process.log"), "utf8");
        expect(log.match(/^ran$/gm)).toHaveLength(1);
        expect(log.match(/=== Slurm job \d+ started/g)).toHaveLength(1);
        expect(log).not.toContain("the run was lost");
      } finally {
        await second.stop();
      }
    } finally {
      if (controllerDown) await cluster().startController();
      await env.cleanup();
    }
  });
});
