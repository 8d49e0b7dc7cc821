/**
 * The starts the worker program refuses (a second worker on a QM_FOLDER, a bad QMserv.cfg,
 * an Archive_Folder that is the system's or another account's), and that a refusal changes
 * nothing. No database is at stake here: this file runs on SQLite only (vitest.config.ts);
 * PostgreSQL's own refusals are in database-lock.pg.int.test.ts and worker-process.int.test.ts.
 */
import fs from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { createTestEnv, submitJob, type TestEnv, waitForJob } from "./helpers";
import { type WorkerProcess, useWorkerProcesses } from "./worker-process";
import { cgroupV1Available } from "../local/limits/cgroup-v1";

let env: TestEnv;
const startWorkerProcess = useWorkerProcesses(() => env).start;

const started = (w: WorkerProcess) => w.started();

describe("the worker program's start", () => {
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

  // Limits = cgroup1 where the machine has it: the refused worker once removed the running one's shared cpuset (cpus-0), and every later job ended 125.
  it("a refused second worker changes nothing the first one uses: its jobs still run, in their cpusets", async () => {
    const cgroup1 = cgroupV1Available("/sys/fs/cgroup") && process.getuid?.() === 0;
    env = await createTestEnv({ Limits: cgroup1 ? "cgroup1" : "none", MaxNbProcessors: 1 });
    const first = startWorkerProcess();
    await started(first);
    await submitJob(env, "before", { script: "echo ran before" });
    expect((await waitForJob(env, "before", ["done", "failed"])).state).toBe("done");
    const second = startWorkerProcess();
    expect(await second.exited).toBe(1);
    expect(second.output()).toMatch(/already runs on this QM_FOLDER/);
    await submitJob(env, "after", { script: "echo ran after" });
    const job = await waitForJob(env, "after", ["done", "failed"]);
    expect({ state: job.state, exitCode: job.exitCode, error: job.error }).toEqual({ state: "done", exitCode: 0, error: null });
    expect(fs.readFileSync(path.join(env.layout.root, job.folder, "process.log"), "utf8")).toContain("ran after");
    first.child.kill("SIGTERM");
    expect(await first.exited).toBe(0);
  });

  it("a refused worker makes no folder: the QM_* tree of a QM_FOLDER it is refused on stays as it was", async () => {
    env = await createTestEnv();
    const first = startWorkerProcess();
    await started(first);
    fs.rmSync(env.layout.done, { recursive: true });
    const second = startWorkerProcess();
    expect(await second.exited).toBe(1);
    expect(fs.existsSync(env.layout.done)).toBe(false);
    first.child.kill("SIGTERM");
    expect(await first.exited).toBe(0);
  });

  it("a start refused for a value of QMserv.cfg names the file by its path", async () => {
    env = await createTestEnv({ Job_Uids: "10-20" });
    const worker = startWorkerProcess();
    expect(await worker.exited).toBe(1);
    expect(worker.output()).toMatch(new RegExp(`worker cannot start: ${env.configPath.replace(/[.*+?^${}()|[\]\\]/g, "\\$&")}: .*Job_Uids`));
  });

  it("refuses to start with Archive_Folder = /, saying what to fix", async () => {
    env = await createTestEnv({ Archive_Folder: "/" });
    const worker = startWorkerProcess();
    expect(await worker.exited).toBe(1);
    expect(worker.output()).toContain("Archive_Folder (/) is the whole filesystem; choose a folder of its own for the archive");
  });

  it("refuses to start with Archive_Folder a symbolic link to /etc, saying where it leads", async () => {
    env = await createTestEnv();
    const link = path.join(env.dir, "archive");
    fs.symlinkSync("/etc", link);
    env.writeConfig({ Archive_Folder: link });
    const worker = startWorkerProcess();
    expect(await worker.exited).toBe(1);
    expect(worker.output()).toContain(`Archive_Folder (${link}, a symbolic link to /etc) is /etc, a folder of the system's own`);
  });

  it.runIf(process.geteuid?.() === 0)("says at start that an Archive_Folder inside another account's folder could be pointed elsewhere, and runs", async () => {
    env = await createTestEnv();
    const theirs = path.join(env.dir, "home-alice");
    fs.mkdirSync(path.join(theirs, "archive"), { recursive: true });
    fs.chownSync(theirs, 61234, 61234);
    env.writeConfig({ Archive_Folder: path.join(theirs, "archive") });
    const worker = startWorkerProcess();
    await started(worker);
    expect(worker.output()).toContain(
      `QMserv.cfg: Archive_Folder (${theirs}/archive) could be pointed elsewhere by another account: ${theirs} belongs to uid 61234; make each folder on the way root's and writable by root alone (chown root:root, chmod go-w), or choose one that is, such as /srv/qm-archive; the retention pass moves and removes nothing until it is fixed`,
    );
    worker.child.kill("SIGTERM");
    expect(await worker.exited).toBe(0);
  });

});
