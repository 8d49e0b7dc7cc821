/**
 * The worker as a real program (`node --import tsx worker/main.ts`): SIGKILL mid-run then
 * restart (recovery), SIGTERM (running jobs requeued), Ctrl-C; on PostgreSQL, a QM_FOLDER
 * that is not the database's. The starts it refuses, where no database is at stake, are in
 * worker-start.int.test.ts.
 */
import fs from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { createTestEnv, dropJob, jobProcesses, openGate, sharedFile, startSmtpServer, submitJob, type TestEnv, waitAtGate, waitFor, waitForJob } from "./helpers";
import { type WorkerProcess, spawnWorker, useWorkerProcesses } from "./worker-process";

let env: TestEnv;
const workerProcesses = useWorkerProcesses(() => env);
const startWorkerProcess = workerProcesses.start;

const started = (w: WorkerProcess) => w.started();

describe("the worker program", () => {
  it("on PostgreSQL, a worker refused because its QM_FOLDER is not the database's makes nothing there", async (test) => {
    env = await createTestEnv();
    if (!env.databaseUrl.startsWith("postgres")) return test.skip(); // on SQLite a database has no folder of its own
    const first = startWorkerProcess();
    await started(first);
    const other = path.join(env.dir, "other-QM");
    const otherConfig = path.join(env.dir, "other.cfg");
    fs.writeFileSync(otherConfig, fs.readFileSync(env.configPath, "utf8").replace(/^QM_FOLDER *=.*$/m, `QM_FOLDER = ${other}`));
    const second = workerProcesses.track(spawnWorker({ configPath: otherConfig, dataDir: env.dir, databaseUrl: env.databaseUrl }));
    expect(await second.exited).toBe(1);
    expect(second.output()).toContain("this database belongs to another QM_FOLDER");
    expect(fs.existsSync(other)).toBe(false);
    first.child.kill("SIGTERM");
    expect(await first.exited).toBe(0);
  });

  it("after SIGKILL mid-run: the job runs on, is adopted with its progress, ends done once and is mailed once; queued jobs and drops run", async () => {
    const smtp = await startSmtpServer();
    try {
      env = await createTestEnv({ MaxNbProcessors: 1, Kill_Grace: 1, MailActive: "True", smtp_host: "127.0.0.1", smtp_port: smtp.port });
      const runs = sharedFile(env, "runs.txt");
      const first = startWorkerProcess();
      await started(first);
      // It moves on when the test says so (go1, go2), so its progress is seen after adoption.
      const script = `echo run >> '${runs}'; sleep 1000 & echo "processing 1 / 4"; ${waitAtGate(env, "go1")}; echo "processing 3 / 4"; ${waitAtGate(env, "go2")}; echo "processing 4 / 4"; kill $!`;
      await submitJob(env, "survivor", { email: "owner@lab.org", script });
      const running = await waitForJob(env, "survivor", ["running"]);
      await submitJob(env, "waiting", { script: "echo fine" });
      await waitFor("progress before the crash", async () => (await env.db.job.findUnique({ where: { id: running.id } }))?.progress === 25);
      first.child.kill("SIGKILL");
      await first.exited;
      dropJob(env, "dropped while down", { script: "echo dropped" });
      expect(jobProcesses(env.layout.root).length).toBeGreaterThan(0); // the job outlived its worker

      const second = startWorkerProcess();
      await started(second);
      expect(second.output()).toMatch(/job=\d+ recovery: still runs \(pid \d+\): adopted/);
      openGate(env, "go1");
      const progressed = await waitFor("progress after adoption", async () => {
        const row = await env.db.job.findUnique({ where: { id: running.id } });
        return row?.state === "running" && row.progress === 75 ? row : null;
      });
      expect(progressed.progress).toBe(75);
      openGate(env, "go2");
      const done = await waitForJob(env, "survivor", ["done", "failed", "lost"]);
      expect(done).toMatchObject({ state: "done", exitCode: 0, progress: 100 });
      expect(fs.readFileSync(runs, "utf8")).toBe("run\n");
      await waitFor("the owner's mail", () => smtp.mails.length >= 1);
      await new Promise((r) => setTimeout(r, 300));
      expect(smtp.mails.filter((m) => m.to.includes("owner@lab.org"))).toHaveLength(1);
      const events = await env.db.jobEvent.findMany({ where: { jobId: running.id }, orderBy: { id: "asc" } });
      expect(events.map((e) => e.kind)).toEqual(["queued", "running", "worker-crashed", "done", "mail-sent"]);
      expect((await waitForJob(env, "waiting", ["done"])).folder).toMatch(/^QM_dJobs\//);
      expect((await waitForJob(env, "dropped while down", ["done"])).folder).toMatch(/^QM_dJobs\//);
      await waitFor("no job process left", () => jobProcesses(env.layout.root).length === 0, 10_000);
      const rows = await env.db.job.findMany();
      expect(rows).toHaveLength(3);
      for (const row of rows) expect(fs.existsSync(path.join(env.layout.root, row.folder))).toBe(true);
      expect(fs.readdirSync(env.layout.running)).toEqual([]);
      expect(fs.readdirSync(env.layout.runs)).toEqual([]);
      second.child.kill("SIGTERM");
      expect(await second.exited).toBe(0);
    } finally {
      await smtp.close();
    }
  });

  it("a run whose pid and uid were not written yet when the worker died is found by its token, keeps its uid, and gets its folder back", async () => {
    env = await createTestEnv({ MaxNbProcessors: 2, Kill_Grace: 1 });
    const first = startWorkerProcess();
    await started(first);
    await submitJob(env, "unrecorded", { script: `touch mine.txt; ${waitAtGate(env)}` });
    const row = await waitFor("its start recorded", async () => {
      const r = await env.db.job.findFirst({ where: { name: "unrecorded" } });
      return r?.pid ? r : null;
    });
    const { uid, granted, cpus, gpus, memMb, walltimeSeconds } = JSON.parse(row.runInfo!) as Record<string, unknown>;
    expect(uid).toEqual(expect.any(Number));
    first.child.kill("SIGKILL");
    await first.exited;
    // As if it had died within the moment a start's record waits (worker/run-records.ts):
    // the row holds what the claim wrote, no pid, no identity.
    await env.db.job.update({ where: { id: row.id }, data: { pid: null, runInfo: JSON.stringify({ granted, cpus, gpus, memMb, walltimeSeconds }) } });
    const second = startWorkerProcess();
    await started(second);
    expect(second.output()).toMatch(/job=\d+ recovery: still runs \(pid \d+\): adopted/);
    const adopted = await env.db.job.findUniqueOrThrow({ where: { id: row.id } });
    expect(adopted.pid).toBeGreaterThan(0);
    expect(JSON.parse(adopted.runInfo!)).toMatchObject({ uid, exclusive: true });
    await submitJob(env, "other", { script: "id -u > uid.txt" });
    const other = await waitForJob(env, "other", ["done"]);
    expect(Number(fs.readFileSync(path.join(env.layout.root, other.folder, "uid.txt"), "utf8"))).not.toBe(uid);
    openGate(env);
    const done = await waitForJob(env, "unrecorded", ["done", "failed", "lost"]);
    expect(done.state).toBe("done");
    // Given back to the service, as every run's folder is at its end.
    expect(fs.statSync(path.join(env.layout.root, done.folder, "mine.txt")).uid).toBe(fs.statSync(env.layout.root).uid);
    second.child.kill("SIGTERM");
    expect(await second.exited).toBe(0);
  });

  it("a job that ends while no worker runs is recorded with its real outcome at the next start, never rerun", async () => {
    env = await createTestEnv({ Kill_Grace: 1 });
    const runs = sharedFile(env, "runs.txt");
    const first = startWorkerProcess();
    await started(first);
    await submitJob(env, "ends alone", { script: `echo run >> '${runs}'; sleep 1; exit 3` });
    await waitFor("the job to run", () => fs.readFileSync(runs, "utf8") === "run\n");
    first.child.kill("SIGKILL");
    await first.exited;
    await waitFor("the job to end on its own", () => jobProcesses(env.layout.root).length === 0, 10_000);
    const endedBy = Date.now();
    await new Promise((resolve) => setTimeout(resolve, 1500));
    const second = startWorkerProcess();
    await started(second);
    const row = await waitForJob(env, "ends alone", ["failed", "done", "lost"]);
    expect(row).toMatchObject({ state: "failed", exitCode: 3 });
    expect(row.cpuSeconds).not.toBeNull();
    // It ended when it ended, not when the next worker read its exit record: its run time is its own.
    expect(row.finishedAt!.getTime()).toBeLessThanOrEqual(endedBy);
    expect(row.folder).toMatch(/^QM_lost\+found\/.*-ends alone$/);
    expect(fs.readFileSync(runs, "utf8")).toBe("run\n");
    second.child.kill("SIGTERM");
    await second.exited;
  });

  it("with Recovery = requeue, a run lost with the machine (processes gone, no exit record) runs again", async () => {
    env = await createTestEnv({ Recovery: "requeue", Kill_Grace: 1 });
    const first = startWorkerProcess();
    await started(first);
    const marker = path.join(env.shared, "ran-once");
    await submitJob(env, "again", { script: `if [ -e '${marker}' ]; then echo second run; exit 0; fi; touch '${marker}'; sleep 1000` });
    await waitFor("first run", () => fs.existsSync(marker));
    await waitForJob(env, "again", ["running"]);
    first.child.kill("SIGKILL");
    await first.exited;
    // A power cut: the job's processes die with the worker, before they can record anything.
    for (const pid of jobProcesses(env.layout.root)) process.kill(pid, "SIGKILL");
    await waitFor("job processes gone", () => jobProcesses(env.layout.root).length === 0);
    const second = startWorkerProcess();
    await started(second);
    const row = await waitForJob(env, "again", ["done"]);
    const log = fs.readFileSync(path.join(env.layout.root, row.folder, "process.log"), "utf8");
    expect(log).toContain("the run was lost while no worker watched it");
    expect(log).toContain("second run");
    const events = await env.db.jobEvent.findMany({ where: { jobId: row.id }, orderBy: { id: "asc" } });
    expect(events.map((e) => e.kind)).toEqual(["queued", "running", "requeued", "running", "done"]);
    second.child.kill("SIGTERM");
    await second.exited;
  });

  it("with Recovery = requeue, a run lost after its kill was asked for ends killed, and does not run again", async () => {
    env = await createTestEnv({ Recovery: "requeue", Kill_Grace: 1 });
    const first = startWorkerProcess();
    await started(first);
    const runs = path.join(env.shared, "runs");
    await submitJob(env, "doomed", { script: `echo run >> '${runs}'; sleep 1000` });
    await waitFor("first run", () => fs.existsSync(runs));
    const { id } = await waitForJob(env, "doomed", ["running"]);
    first.child.kill("SIGKILL");
    await first.exited;
    // The kill is asked for while no worker runs (as the web does: the row's kill request), then a power cut.
    await env.db.job.update({ where: { id }, data: { killRequestedAt: new Date() } });
    for (const pid of jobProcesses(env.layout.root)) process.kill(pid, "SIGKILL");
    await waitFor("job processes gone", () => jobProcesses(env.layout.root).length === 0);
    const second = startWorkerProcess();
    await started(second);
    const row = await waitForJob(env, "doomed", ["killed", "lost", "done", "failed"]);
    expect(row.state).toBe("killed");
    expect(row.folder).toMatch(/^QM_lost\+found\//);
    expect(row.error).toMatch(/its kill had been asked for: killed on request/);
    await new Promise((r) => setTimeout(r, 1500)); // a dispatch pass: nothing starts it again
    expect(fs.readFileSync(runs, "utf8")).toBe("run\n");
    const events = await env.db.jobEvent.findMany({ where: { jobId: id }, orderBy: { id: "asc" } });
    expect(events.map((e) => e.kind)).toEqual(["queued", "running", "killed"]);
    second.child.kill("SIGTERM");
    await second.exited;
  });

  it("quarantines a job that was running through two worker crashes in a row", async () => {
    env = await createTestEnv({ Kill_Grace: 1, Recovery: "requeue" });
    let w = startWorkerProcess();
    await started(w);
    const id = await submitJob(env, "suspect", { script: "sleep 1000" });
    // Running for real (its process, not only its row: the row is claimed before the start).
    await waitFor("the suspect's process", () => jobProcesses(env.layout.root).length > 0);
    for (let crash = 1; crash <= 2; crash++) {
      w.child.kill("SIGKILL");
      await w.exited;
      w = startWorkerProcess();
      await started(w);
      expect(w.output()).toMatch(crash === 1 ? /still runs \(pid \d+\): adopted/ : /still runs \(pid \d+\): quarantined/);
    }
    const row = await waitForJob(env, "suspect", ["lost", "queued", "done", "failed"]);
    expect(row.state).toBe("lost");
    expect(row.error).toMatch(/quarantined: the worker stopped unexpectedly 2 times while this job ran/);
    expect(fs.readFileSync(path.join(env.layout.root, row.folder, "qm-error.txt"), "utf8")).toMatch(/quarantined/);
    await waitFor("its processes stopped", () => jobProcesses(env.layout.root).length === 0, 10_000);
    const events = await env.db.jobEvent.findMany({ where: { jobId: id }, orderBy: { id: "asc" } });
    expect(events.map((e) => e.kind)).toEqual(["queued", "running", "worker-crashed", "worker-crashed", "lost"]);
    w.child.kill("SIGTERM");
    await w.exited;
  });

  it("on SIGTERM (Shutdown_Jobs = keep) leaves running jobs running and exits 0; the next worker adopts them", async () => {
    env = await createTestEnv({ Kill_Grace: 1 });
    const w = startWorkerProcess();
    await started(w);
    const id = await submitJob(env, "kept", { script: `echo "processing 1 / 2"; ${waitAtGate(env)}; echo "processing 2 / 2"` });
    await waitForJob(env, "kept", ["running"]);
    w.child.kill("SIGTERM");
    expect(await w.exited).toBe(0);
    expect(w.output()).toMatch(/1 running job\(s\) go on running/);
    expect(fs.existsSync(path.join(env.layout.internal, "worker.lock"))).toBe(false);
    expect(jobProcesses(env.layout.root).length).toBeGreaterThan(0);
    const next = startWorkerProcess();
    await started(next);
    expect(next.output()).not.toMatch(/quarantined/);
    expect(next.output()).toMatch(/job=\d+ recovery: still runs \(pid \d+\): adopted/);
    openGate(env);
    const row = await waitForJob(env, "kept", ["done", "failed", "lost"]);
    expect(row).toMatchObject({ id, state: "done" });
    const events = await env.db.jobEvent.findMany({ where: { jobId: id }, orderBy: { id: "asc" } });
    expect(events.map((e) => e.kind)).toEqual(["queued", "running", "done"]);
    next.child.kill("SIGTERM");
    await next.exited;
  });

  it("on SIGTERM with Shutdown_Jobs = requeue stops running jobs, puts them back in QM_qJobs, and exits 0", async () => {
    env = await createTestEnv({ Kill_Grace: 1, Shutdown_Jobs: "requeue" });
    const w = startWorkerProcess();
    await started(w);
    const id = await submitJob(env, "interrupted", { script: "sleep 1000 & while true; do sleep 0.2; done" });
    await waitForJob(env, "interrupted", ["running"]);
    w.child.kill("SIGTERM");
    expect(await w.exited).toBe(0);
    const row = await env.db.job.findUniqueOrThrow({ where: { id } });
    expect(row).toMatchObject({ state: "queued", folder: "QM_qJobs/interrupted", startedAt: null });
    expect(fs.readFileSync(path.join(env.layout.queued, "interrupted", "process.log"), "utf8")).toContain("worker shut down");
    expect(jobProcesses(env.layout.root)).toEqual([]);
    expect(fs.existsSync(path.join(env.layout.internal, "worker.lock"))).toBe(false);
  });

  it("Ctrl-C (SIGINT to the whole process group, as a terminal sends it) stops cleanly, without a word about its spawner", async () => {
    env = await createTestEnv();
    const w = startWorkerProcess({ detached: true });
    await started(w);
    // At once: the job spawner may still be starting, the moment it used to die of the signal.
    process.kill(-w.child.pid!, "SIGINT");
    expect(await w.exited).toBe(0);
    expect(w.output()).toContain("SIGINT received");
    expect(w.output()).toContain("worker stopped");
    expect(w.output()).not.toMatch(/unexpectedly|restarting it|lost track|received again/);
  });
});
