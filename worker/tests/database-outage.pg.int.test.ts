/**
 * The worker program while its PostgreSQL database does not answer: it goes on, and what
 * happened meanwhile is taken in once the database is back. The database's refusal is
 * real (its Job table renamed away), the worker its own process as in production.
 */
import type { ChildProcess } from "node:child_process";
import fs from "node:fs";
import path from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { createTestEnv, dropJob, type TestEnv, waitFor, waitForJob } from "./helpers";
import { type WorkerProcess, spawnWorker } from "./worker-process";

let env: TestEnv;
const children: ChildProcess[] = [];

afterEach(async () => {
  for (const c of children.splice(0)) if (c.exitCode === null && c.signalCode === null) c.kill("SIGKILL");
  await env?.cleanup();
});

describe("the worker while the database refuses", () => {
  it("a folder dropped meanwhile does not end the worker; it is taken in and run once the database answers", async () => {
    // Found by the PostgreSQL QA: a folder dropped into QM_qJobs while PostgreSQL was stopped
    // ended the worker with an unhandled ECONNREFUSED from the intake (npm start restarted it).
    env = await createTestEnv();
    const worker: WorkerProcess = spawnWorker({ configPath: env.configPath, dataDir: env.dir, databaseUrl: env.databaseUrl });
    children.push(worker.child);
    await worker.started();
    await env.db.$executeRawUnsafe(`ALTER TABLE "Job" RENAME TO "JobAway"`);
    try {
      dropJob(env, "dropped", { script: "echo ran >> ran.txt" });
      await waitFor("the intake's attempt", () => worker.child.exitCode !== null || worker.output().includes("cannot take in"), 15_000);
      await new Promise((r) => setTimeout(r, 500));
      expect(worker.child.exitCode, worker.output()).toBeNull();
      expect(worker.output()).toMatch(/cannot take in the folders of QM_qJobs yet: .*Job.*; they wait there, and the rescan looks again/);
    } finally {
      await env.db.$executeRawUnsafe(`ALTER TABLE "JobAway" RENAME TO "Job"`);
    }
    const job = await waitForJob(env, "dropped", ["done", "failed", "invalid"], 30_000);
    expect(job.state).toBe("done");
    expect(fs.readFileSync(path.join(env.layout.root, job.folder, "ran.txt"), "utf8")).toBe("ran\n");
    expect(await env.db.job.count()).toBe(1);
    expect(worker.child.exitCode).toBeNull();
  });
});
