/**
 * A job killed by a node failure (`scontrol update nodename=X state=down`: Slurm ends it
 * NODE_FAIL, and its wrapper, stopped by SIGTERM, records 143) is lost, and with
 * Recovery = requeue goes back to QM_qJobs and runs again: it was recorded as an ordinary
 * "failed, exit code 143".
 */
import { execFileSync } from "node:child_process";
import fs from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { createTestEnv, submitJob, waitFor, waitForJob } from "../../tests/helpers";
import { startWorker } from "../../tests/in-process";
import { useSlurmCluster } from "./slurm-cluster-hooks";

const cluster = useSlurmCluster();

/** Ask Slurm to take the node back; true once it is not down. */
function resume(node: string): boolean {
  try {
    execFileSync("scontrol", ["update", `nodename=${node}`, "state=resume"], { stdio: "ignore" });
  } catch {
    // not down (any more), or not ready to come back yet
  }
  return !/down/i.test(execFileSync("sinfo", ["--noheader", "--format=%T"], { encoding: "utf8" }));
}

describe("a Slurm node failure", () => {
  it("makes the job lost and, with Recovery = requeue, puts it back to run again (not failed 143)", { timeout: 120_000 }, async () => {
    const env = await createTestEnv({ executor: "slurm", slurm_poll_interval: 1, MailActive: "False", Recovery: "requeue" });
    const worker = await startWorker(env, { recordGraceMs: 5_000 });
    const node = execFileSync("sinfo", ["--noheader", "--format=%N"], { encoding: "utf8" }).trim();
    try {
      // First run: waits to be killed; second run (a marker left in the folder): ends at once.
      const id = await submitJob(env, "on a failing node", { script: 'if [ -e first-run ]; then echo "second run"; else touch first-run; sleep 60; fi' });
      await waitForJob(env, "on a failing node", ["running"]);
      await new Promise((r) => setTimeout(r, 1_000));
      execFileSync("scontrol", ["update", `nodename=${node}`, "state=down", "reason=qm-test"]);
      await waitFor("the job requeued", async () => (await env.db.jobEvent.count({ where: { jobId: id, kind: "requeued" } })) > 0, 30_000);
      const requeued = await env.db.jobEvent.findFirstOrThrow({ where: { jobId: id, kind: "requeued" } });
      expect(requeued.detail).toContain("NODE_FAIL");
      // Slurm takes the node back once the killed job has left it ("Invalid node state" until then).
      await waitFor("the node back", () => resume(node), 30_000);
      const row = await waitForJob(env, "on a failing node", ["done", "failed", "lost", "killed"], 60_000);
      expect(row).toMatchObject({ state: "done", exitCode: 0 });
      const kinds = (await env.db.jobEvent.findMany({ where: { jobId: id }, orderBy: { id: "asc" } })).map((e) => e.kind);
      expect(kinds).not.toContain("failed");
      expect(fs.readFileSync(path.join(env.layout.root, row.folder, "process.log"), "utf8")).toContain("second run");
    } finally {
      resume(node);
      await worker.stop();
      await env.cleanup();
    }
  });
});
