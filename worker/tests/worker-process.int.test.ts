/**
 * The worker as a real program (`node --import tsx worker/main.ts`): one per QM_FOLDER,
 * SIGKILL mid-run then restart (recovery), SIGTERM (running jobs requeued).
 */
import { type ChildProcess, spawn } from "node:child_process";
import fs from "node:fs";
import path from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { projectRoot } from "../../lib/server/bootstrap";
import { createTestEnv, dropJob, jobProcesses, submitJob, type TestEnv, waitFor, waitForJob } from "./helpers";

interface WorkerProcess {
  child: ChildProcess;
  output: () => string;
  exited: Promise<number | null>;
}

let env: TestEnv;
const children: ChildProcess[] = [];

afterEach(async () => {
  for (const c of children) if (c.exitCode === null && c.signalCode === null) c.kill("SIGKILL");
  children.length = 0;
  if (env) await waitFor("job processes gone", () => jobProcesses(env.layout.root).length === 0, 15_000).catch(() => undefined);
  await env?.cleanup();
});

/** `detached`: the worker leads a process group of its own, as in a terminal. */
function startWorkerProcess(opts: { detached?: boolean } = {}): WorkerProcess {
  const child = spawn(process.execPath, ["--import", "tsx", path.join(projectRoot, "worker/main.ts")], {
    cwd: projectRoot,
    detached: opts.detached,
    // Migrations are applied by createTestEnv (as `npm start` does before it starts the worker).
    env: { ...process.env, QM_CONFIG: env.configPath, QM_DATA: env.dir, DATABASE_URL: env.databaseUrl, QM_SKIP_MIGRATE: "1" },
    stdio: ["ignore", "pipe", "pipe"],
  });
  children.push(child);
  let out = "";
  child.stdout!.on("data", (c: Buffer) => (out += c.toString()));
  child.stderr!.on("data", (c: Buffer) => (out += c.toString()));
  const exited = new Promise<number | null>((resolve) => child.on("exit", (code) => resolve(code)));
  return { child, output: () => out, exited };
}

async function started(w: WorkerProcess): Promise<void> {
  await waitFor("worker started", () => {
    if (w.child.exitCode !== null) throw new Error(`worker exited: ${w.output()}`);
    return w.output().includes("worker started");
  }, 45_000).catch((error: Error) => {
    throw new Error(`${error.message}; worker output: ${w.output()}`);
  });
}

describe("the worker program", () => {
  it("refuses to start a second worker on the same QM_FOLDER", async () => {
    env = await createTestEnv();
    const first = startWorkerProcess();
    await started(first);
    const second = startWorkerProcess();
    expect(await second.exited).toBe(1);
    expect(second.output()).toMatch(/another QueueManager worker \(pid \d+ .*\) already runs on this QM_FOLDER/);
    first.child.kill("SIGTERM");
    expect(await first.exited).toBe(0);
  });

  it("after SIGKILL mid-run: the running job is stopped and lost with a note, queued jobs and new drops run, folders and rows agree", async () => {
    env = await createTestEnv({ MaxNbProcessors: 1, Kill_Grace: 1 });
    const first = startWorkerProcess();
    await started(first);
    await submitJob(env, "victim", { script: "sleep 1000 & echo working; while true; do sleep 0.2; done" });
    await waitForJob(env, "victim", ["running"]);
    await submitJob(env, "waiting", { script: "echo fine" });
    await waitFor("victim's processes", () => jobProcesses(env.layout.root).length >= 3);
    first.child.kill("SIGKILL");
    await first.exited;
    dropJob(env, "dropped while down", { script: "echo dropped" });
    expect(jobProcesses(env.layout.root).length).toBeGreaterThan(0); // the job outlived its worker

    const second = startWorkerProcess();
    await started(second);
    const victim = await waitForJob(env, "victim", ["lost"]);
    expect(victim.folder).toMatch(/^QM_lost\+found\/.*-victim$/);
    expect(victim.error).toMatch(/worker stopped while this job ran/);
    const dir = path.join(env.layout.root, victim.folder);
    expect(fs.readFileSync(path.join(dir, "qm-error.txt"), "utf8")).toMatch(/worker stopped while this job ran/);
    expect(fs.readFileSync(path.join(dir, "process.log"), "utf8")).toMatch(/outcome unknown.*\n=== the worker stopped while this job ran/);
    expect((await waitForJob(env, "waiting", ["done"])).folder).toMatch(/^QM_dJobs\//);
    expect((await waitForJob(env, "dropped while down", ["done"])).folder).toMatch(/^QM_dJobs\//);
    expect(jobProcesses(env.layout.root)).toEqual([]);
    const rows = await env.db.job.findMany();
    expect(rows).toHaveLength(3);
    for (const row of rows) expect(fs.existsSync(path.join(env.layout.root, row.folder))).toBe(true);
    expect(fs.readdirSync(env.layout.running)).toEqual([]);
    expect(fs.readdirSync(env.layout.queued)).toEqual([]);
    second.child.kill("SIGTERM");
    expect(await second.exited).toBe(0);
  });

  it("with Recovery = requeue, a job interrupted by a worker crash runs again", async () => {
    env = await createTestEnv({ Recovery: "requeue", Kill_Grace: 1 });
    const first = startWorkerProcess();
    await started(first);
    const marker = path.join(env.dir, "ran-once");
    await submitJob(env, "again", { script: `if [ -e '${marker}' ]; then echo second run; exit 0; fi; touch '${marker}'; sleep 1000` });
    await waitFor("first run", () => fs.existsSync(marker));
    await waitForJob(env, "again", ["running"]);
    first.child.kill("SIGKILL");
    await first.exited;
    const second = startWorkerProcess();
    await started(second);
    const row = await waitForJob(env, "again", ["done"]);
    const log = fs.readFileSync(path.join(env.layout.root, row.folder, "process.log"), "utf8");
    expect(log).toContain("the worker stopped while this job ran");
    expect(log).toContain("second run");
    const events = await env.db.jobEvent.findMany({ where: { jobId: row.id }, orderBy: { id: "asc" } });
    expect(events.map((e) => e.kind)).toEqual(["queued", "running", "requeued", "running", "done"]);
    second.child.kill("SIGTERM");
    await second.exited;
  });

  it("on SIGTERM stops running jobs, puts them back in QM_qJobs, and exits 0", async () => {
    env = await createTestEnv({ Kill_Grace: 1 });
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
    env = await createTestEnv({ Kill_Grace: 1 });
    const w = startWorkerProcess({ detached: true });
    await started(w);
    await submitJob(env, "at ctrl-c", { script: "while true; do sleep 0.2; done" });
    await waitForJob(env, "at ctrl-c", ["running"]);
    process.kill(-w.child.pid!, "SIGINT");
    expect(await w.exited).toBe(0);
    expect(w.output()).toContain("SIGINT received");
    expect(w.output()).toContain("worker stopped");
    expect(w.output()).not.toMatch(/unexpectedly|restarting it|lost track/);
    expect((await waitForJob(env, "at ctrl-c", ["queued"])).folder).toBe("QM_qJobs/at ctrl-c");
  });
});
