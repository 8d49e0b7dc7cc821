/**
 * Recovery of every crash window, set up by hand as a crashed worker would leave it, then
 * a worker start: each job ends in exactly one place and the database agrees.
 */
import fs from "node:fs";
import path from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { logFooter, logHeader } from "../../lib/core/job-log";
import { createTestEnv, makeJobFolder, type TestEnv, waitForJob } from "./helpers";
import { startWorker, type InProcessWorker } from "./in-process";

let env: TestEnv;
let worker: InProcessWorker;
afterEach(async () => {
  await worker?.stop();
  await env?.cleanup();
});

const header = (jobId: number, name: string) => logHeader({ jobId, name, host: "h", script: "true", requested: 1, granted: 1, maxNbProcessors: 2, at: new Date() });

async function queuedRow(name: string, script = "echo ran") {
  return env.db.job.create({ data: { name, script, state: "queued", folder: `QM_qJobs/${name}`, source: "api" } });
}

describe("recovery at start", () => {
  it("a job started but not yet recorded (header written, row still queued) is lost with a note", async () => {
    env = await createTestEnv();
    const row = await queuedRow("started");
    makeJobFolder(env.layout.running, "started", { script: "echo ran", files: { "process.log": header(row.id, "started") } });
    worker = await startWorker(env);
    const lost = await waitForJob(env, "started", ["lost"]);
    expect(lost.folder).toMatch(/^QM_lost\+found\/.*-started$/);
    expect(fs.existsSync(path.join(env.layout.root, lost.folder, "qm-error.txt"))).toBe(true);
    expect(fs.readdirSync(env.layout.running)).toEqual([]);
  });

  it("a job moved to QM_Jobs but never started (no header) goes back to the queue and runs", async () => {
    env = await createTestEnv();
    await queuedRow("unstarted");
    makeJobFolder(env.layout.running, "unstarted", { script: "echo ran" });
    worker = await startWorker(env);
    const done = await waitForJob(env, "unstarted", ["done"]);
    expect(fs.readFileSync(path.join(env.layout.root, done.folder, "process.log"), "utf8")).toContain("ran");
    expect(await env.db.job.count()).toBe(1);
  });

  it("a job that ended but whose end was not recorded gets the outcome of its footer", async () => {
    env = await createTestEnv();
    const row = await env.db.job.create({ data: { name: "ended", script: "exit 4", state: "running", folder: "QM_Jobs/ended", source: "api", startedAt: new Date() } });
    const log = header(row.id, "ended") + logFooter({ jobId: row.id, at: new Date(), exitCode: 4, signal: null, durationMs: 10 });
    makeJobFolder(env.layout.lost, "2026-11-28T04-36-00Z-ended", { script: "exit 4", files: { "process.log": log } });
    worker = await startWorker(env);
    const failed = await waitForJob(env, "ended", ["failed"]);
    expect(failed).toMatchObject({ exitCode: 4, folder: "QM_lost+found/2026-11-28T04-36-00Z-ended" });
  });

  it("a queued job whose folder vanished long ago is recorded lost; a fresh one (upload in progress) is left alone", async () => {
    env = await createTestEnv();
    const old = await queuedRow("vanished");
    await env.db.$executeRaw`UPDATE Job SET updatedAt = ${new Date(Date.now() - 3_600_000)} WHERE id = ${old.id}`;
    const fresh = await queuedRow("uploading");
    worker = await startWorker(env);
    const lost = await waitForJob(env, "vanished", ["lost"]);
    expect(lost.error).toMatch(/disappeared before it could start/);
    expect((await env.db.job.findUniqueOrThrow({ where: { id: fresh.id } })).state).toBe("queued");
  });

  it("a folder in QM_Jobs that no job knows goes to QM_lost+found with a note and a row", async () => {
    env = await createTestEnv();
    makeJobFolder(env.layout.running, "stray", { script: "true" });
    worker = await startWorker(env);
    const row = await waitForJob(env, "stray", ["lost"]);
    expect(fs.readFileSync(path.join(env.layout.root, row.folder, "qm-error.txt"), "utf8")).toMatch(/no record of a job/);
  });
});
