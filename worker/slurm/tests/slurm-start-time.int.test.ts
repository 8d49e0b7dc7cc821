/**
 * startedAt of a Slurm job is when Slurm started it, not when the worker claimed it: a job
 * that waited in Slurm's queue and ended before any look saw it RUNNING had its wait
 * counted in its duration (and CPU efficiency), its startedAt being the claim.
 */
import { execFileSync } from "node:child_process";
import fs from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { jobTimes } from "../../../lib/core/job-times";
import { createTestEnv, submitJob, waitForJob } from "../../tests/helpers";
import { startWorker } from "../../tests/in-process";
import { useSlurmCluster } from "./slurm-cluster-hooks";

const cluster = useSlurmCluster();

describe("a Slurm job's start", () => {
  it("is Slurm's start time, not its claim, even when no look saw it running", { timeout: 120_000 }, async () => {
    // A job holding the whole node keeps it in Slurm's queue for 6 s; the long poll interval
    // leaves its end to the exit record's notice, so the poller never sees it RUNNING.
    const env = await createTestEnv({ executor: "slurm", slurm_poll_interval: 60, MailActive: "False" });
    const worker = await startWorker(env, { recordGraceMs: 3_000 });
    const blocker = execFileSync("sbatch", ["--parsable", "--exclusive", "--job-name=blocker", "--chdir=/tmp", "--output=/dev/null", "--wrap=sleep 300"], { encoding: "utf8" }).trim();
    try {
      const id = await submitJob(env, "waits in Slurm", { script: "sleep 1; echo ran" });
      const pending = await waitForJob(env, "waits in Slurm", ["pending"]);
      // Pending in Slurm: no time runs yet on the job page and the dashboard.
      expect(jobTimes({ ...pending, startedAt: pending.startedAt?.toISOString() ?? null, finishedAt: null }, Date.now() + 5_000).elapsedMs).toBeNull();
      const claimedAt = (await env.db.jobEvent.findFirstOrThrow({ where: { jobId: id, kind: "pending" } })).at;
      await new Promise((r) => setTimeout(r, 6_000));
      execFileSync("scancel", [blocker]);
      const row = await waitForJob(env, "waits in Slurm", ["done", "failed", "lost", "killed"], 60_000);
      expect(row.state).toBe("done");
      const log = fs.readFileSync(path.join(env.layout.root, row.folder, "process.log"), "utf8");
      const wrapperStart = new Date(/=== Slurm job \d+ started (\S+) on/.exec(log)![1]);
      expect(row.startedAt!.getTime() - claimedAt.getTime()).toBeGreaterThanOrEqual(4_000);
      // Slurm's start is when it gave the job its node, in whole seconds; the wrapper runs once
      // slurmd has launched it (2 s later on a busy machine).
      expect(Math.abs(row.startedAt!.getTime() - wrapperStart.getTime())).toBeLessThanOrEqual(3_000);
      const durationMs = row.finishedAt!.getTime() - row.startedAt!.getTime();
      expect(durationMs).toBeLessThan(4_000);
      expect(log).toMatch(/ran\n/);
      expect(await env.db.jobEvent.count({ where: { jobId: id, kind: "running" } })).toBe(0); // (what this test is about)
    } finally {
      execFileSync("scancel", [blocker]);
      await worker.stop();
      await env.cleanup();
    }
  });
});
