/**
 * Recovery of every crash window, set up by hand as a crashed worker would leave it, then
 * a worker start: each job ends in exactly one place and the database agrees.
 */
import { spawn } from "node:child_process";
import fs from "node:fs";
import path from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { planTransition } from "../../lib/core/job-lifecycle";
import { logFooter, logHeader } from "../../lib/core/job-log";
import { createTestEnv, makeJobFolder, type TestEnv, waitForJob } from "./helpers";
import { startWorker, type InProcessWorker } from "./in-process";

let env: TestEnv;
let worker: InProcessWorker;
afterEach(async () => {
  await worker?.stop();
  await env?.cleanup();
});

const header = (jobId: number, name: string, runToken?: string) => logHeader({ jobId, name, host: "h", script: "true", requested: 1, granted: 1, maxNbProcessors: 2, at: new Date(), runToken });

/** A queued row, as a submission writes it (its folder is placed by the test). */
async function queuedRow(name: string, script = "echo ran") {
  const id = await env.store.createJob({ name, script, folder: `QM_qJobs/${name}`, source: "api" }, planTransition("submit", null, "queued"));
  return (await env.store.getJob(id))!;
}

/** A row the worker had claimed for a run (`start`), as a worker that died left it. */
async function runningRow(name: string, runToken: string, script = "echo ran") {
  const row = await queuedRow(name, script);
  await env.store.transition(row.id, planTransition("start", "queued", "running", { folder: `QM_Jobs/${name}`, startedAt: new Date(), runToken }));
  return row;
}

describe("recovery at start", () => {
  it("a job that was running (its run's header written) is lost with a note", async () => {
    env = await createTestEnv();
    const row = await runningRow("started", "run1");
    makeJobFolder(env.layout.running, "started", { script: "echo ran", files: { "process.log": header(row.id, "started", "run1") } });
    worker = await startWorker(env);
    const lost = await waitForJob(env, "started", ["lost"]);
    expect(lost.folder).toMatch(/^QM_lost\+found\/.*-started$/);
    expect(fs.existsSync(path.join(env.layout.root, lost.folder, "qm-error.txt"))).toBe(true);
    expect(fs.readdirSync(env.layout.running)).toEqual([]);
  });

  it("a job moved to QM_Jobs but never started (no header of this run) goes back to the queue and runs", async () => {
    env = await createTestEnv();
    const row = await runningRow("unstarted", "run2");
    makeJobFolder(env.layout.running, "unstarted", { script: "echo ran", files: { "process.log": header(row.id, "unstarted", "an-earlier-run") } });
    worker = await startWorker(env);
    const done = await waitForJob(env, "unstarted", ["done"]);
    expect(fs.readFileSync(path.join(env.layout.root, done.folder, "process.log"), "utf8")).toContain("ran");
    expect(await env.db.job.count()).toBe(1);
  });

  it("a job claimed but not yet moved (folder still in QM_qJobs) is queued again and runs", async () => {
    env = await createTestEnv();
    await runningRow("claimed", "run3");
    makeJobFolder(env.layout.queued, "claimed", { script: "echo ran" });
    worker = await startWorker(env);
    const done = await waitForJob(env, "claimed", ["done"]);
    expect(fs.readFileSync(path.join(env.layout.root, done.folder, "process.log"), "utf8")).toContain("ran");
    const events = await env.db.jobEvent.findMany({ where: { jobId: done.id }, orderBy: { id: "asc" } });
    expect(events.map((e) => e.kind)).toEqual(["queued", "running", "requeued", "running", "done"]);
  });

  it("a job that ended but whose end was not recorded gets the outcome of its footer", async () => {
    env = await createTestEnv();
    const row = await runningRow("ended", "run4", "exit 4");
    const log = header(row.id, "ended") + logFooter({ jobId: row.id, at: new Date(), exitCode: 4, signal: null, durationMs: 10 });
    makeJobFolder(env.layout.lost, "2026-11-28T04-36-00Z-ended", { script: "exit 4", files: { "process.log": log } });
    worker = await startWorker(env);
    const failed = await waitForJob(env, "ended", ["failed"]);
    expect(failed).toMatchObject({ exitCode: 4, folder: "QM_lost+found/2026-11-28T04-36-00Z-ended" });
    // Said in the log, as every other repair at start is (it was silent).
    expect(worker.logs).toContainEqual(expect.stringContaining(`recovery: it ended before the worker stopped but was not recorded; recorded failed -> QM_lost+found/2026-11-28T04-36-00Z-ended`));
  });

  it("a queued job whose folder vanished long ago is recorded lost; a fresh one (upload in progress) is left alone", async () => {
    env = await createTestEnv();
    const old = await queuedRow("vanished");
    // An hour-old row: the store dates every write now, so the test ages it by hand.
    await env.store.sql.run(`UPDATE "Job" SET "updatedAt" = ? WHERE "id" = ?`, [new Date(Date.now() - 3_600_000), old.id]);
    const fresh = await queuedRow("uploading");
    worker = await startWorker(env);
    const lost = await waitForJob(env, "vanished", ["lost"]);
    expect(lost.error).toMatch(/disappeared before it could start/);
    expect((await env.db.job.findUniqueOrThrow({ where: { id: fresh.id } })).state).toBe("queued");
  });

  it("never adopts a reused pid: a live process with the run's pid but another start time is left alone", async () => {
    env = await createTestEnv();
    const stranger = spawn("sleep", ["60"], { stdio: "ignore" });
    try {
      const row = await runningRow("reused", "run5");
      await env.store.update(row.id, { state: "running" }, { pid: stranger.pid!, runInfo: JSON.stringify({ executor: "local", pid: stranger.pid, startTime: "1" }) });
      makeJobFolder(env.layout.running, "reused", { script: "echo ran", files: { "process.log": header(row.id, "reused", "run5") } });
      worker = await startWorker(env);
      const lost = await waitForJob(env, "reused", ["lost"]);
      expect(lost.error).toMatch(/lost while no worker watched it/);
      expect(worker.logs.join("\n")).not.toMatch(/adopted/);
      expect(stranger.exitCode).toBeNull();
      expect(() => process.kill(stranger.pid!, 0)).not.toThrow();
    } finally {
      stranger.kill("SIGKILL");
    }
  });

  it("a folder in QM_Jobs that no job knows goes to QM_lost+found with a note and a row", async () => {
    env = await createTestEnv();
    makeJobFolder(env.layout.running, "stray", { script: "true", email: "ann@lab.org", keys: { info: "left by the Python QM" } });
    // As QM 0.4 wrote it: the start (local time) and its progress lines.
    fs.writeFileSync(path.join(env.layout.running, "stray", "process.log"), "Job started by QM at:  2021-03-01T09:00:00\nprocessing 7 / 32\n");
    // Its last line written two hours after the start: about when it stopped.
    const lastWrite = new Date(2021, 2, 1, 11, 0, 0);
    fs.utimesSync(path.join(env.layout.running, "stray", "process.log"), lastWrite, lastWrite);
    makeJobFolder(env.layout.running, "stray-bare", { script: "true" });
    fs.rmSync(path.join(env.layout.running, "stray-bare", "proc_config.cfg"));
    worker = await startWorker(env);
    const row = await waitForJob(env, "stray", ["lost"]);
    // Its info file read: its owner finds it among their jobs and may requeue it.
    expect(row).toMatchObject({ owner: "ann@lab.org", info: "left by the Python QM", script: "true", progress: 21.9 });
    // When it started, from its process.log, as the history import reads it (the server's local time).
    expect(row.startedAt).toEqual(new Date(2021, 2, 1, 9, 0, 0));
    // It ran until about its log's last write, not until this start years later (its duration
    // and the statistics' wall time counted the years), and was submitted no later than it started.
    expect(row.finishedAt).toEqual(lastWrite);
    expect(row.submittedAt).toEqual(row.startedAt);
    expect(await waitForJob(env, "stray-bare", ["lost"])).toMatchObject({ owner: null, script: "" });
    expect(fs.readFileSync(path.join(env.layout.root, row.folder, "qm-error.txt"), "utf8")).toMatch(/no record of a job/);
    // Said in the log too: the administrator of a lab moving from the Python QM learns where its running job went.
    expect(worker.logs).toContain(`job ${row.id}: recovery: QM_Jobs/stray was found with no record of a job; moved to ${row.folder}`);
  });
});
