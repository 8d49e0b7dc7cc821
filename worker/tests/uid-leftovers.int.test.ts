/**
 * What a job keeps outside its files, where the next job on its pool uid (another person's)
 * would find it: POSIX message queues and the uid's keyrings; and the cap on a pool uid's
 * processes. Real jobs through a real worker as root, as deployed (docs/security.md, "A job
 * ends whole"; docs/limits.md, "Processes").
 */
import fs from "node:fs";
import path from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { parseWorkerStats } from "../../lib/core/worker-stats";
import { jobQueueDetails } from "../../lib/server/jobs/job-queue-details";
import { DEFAULT_MAX_PROCESSES } from "../local/spawner-client";
import { createTestEnv, openGate, sharedFile, submitJob, type TestEnv, waitAtGate, waitFor, waitForJob } from "./helpers";
import { startWorker, type InProcessWorker } from "./in-process";

/** Leaves, looks for or forks what it is told (the script says how); /usr/bin's python, which every uid may run. */
const LEFTOVERS = path.join(import.meta.dirname, "fixtures/uid-leftovers.py");

let env: TestEnv;
let worker: InProcessWorker | undefined;
afterEach(async () => {
  await worker?.stop();
  worker = undefined;
  await env?.cleanup();
});

/** Run `script` as a job to its end; what it wrote to its report file. */
async function runJob(name: string, script: (report: string) => string): Promise<string> {
  const report = sharedFile(env, `${name}.txt`);
  await submitJob(env, name, { script: script(report) });
  const job = await waitForJob(env, name, ["done", "failed"]);
  expect(job.state, `${name}: ${job.error}`).toBe("done");
  return fs.readFileSync(report, "utf8");
}

describe.skipIf(process.getuid?.() !== 0)("a job on a pool uid, with the worker as root", () => {
  it("finds none of the message queues and keys that the uid's last job left", async () => {
    env = await createTestEnv();
    // One uid: the second job runs as the first one did.
    const first = Number(env.config().jobUids.split("-")[0]);
    env.writeConfig({ Job_Uids: `${first}-${first}` });
    worker = await startWorker(env);
    const name = `qmleak${process.pid}`;
    const left = await runJob("keeper", (r) => `id -u >> '${r}'; /usr/bin/python3 '${LEFTOVERS}' leave ${name} >> '${r}' 2>&1`);
    expect(left).toBe(`${first}\nleft\n`);
    // Submitted at once: it waits, queued, for the keeper's uid (swept first if the keeper's
    // run changed the temporary folders).
    const found = await runJob("finder", (r) => `id -u >> '${r}'; /usr/bin/python3 '${LEFTOVERS}' look ${name} >> '${r}' 2>&1`);
    expect(found).toBe(`${first}\nnothing\n`);
  });

  it("a uid whose keyring a job locked fails the one next job on it, then is never handed out again", async () => {
    env = await createTestEnv();
    const first = Number(env.config().jobUids.split("-")[0]);
    env.writeConfig({ Job_Uids: `${first}-${first + 1}` });
    worker = await startWorker(env);
    const name = `qmlock${process.pid}`;
    expect(await runJob("locker", (r) => `id -u >> '${r}'; /usr/bin/python3 '${LEFTOVERS}' lock ${name} >> '${r}' 2>&1`)).toBe(`${first}\nleft\nlocked\n`);
    await new Promise((r) => setTimeout(r, 2_500));
    // The next job gets the locker's uid again (released uids are reused first): refused, as safe.
    await submitJob(env, "unlucky", { script: "id -u" });
    const unlucky = await waitForJob(env, "unlucky", ["done", "failed"]);
    expect({ state: unlucky.state, exitCode: unlucky.exitCode }).toEqual({ state: "failed", exitCode: 126 });
    expect(fs.readFileSync(path.join(env.layout.root, unlucky.folder, "process.log"), "utf8")).toContain("cannot empty the user keyring");
    expect(worker.logs.join("\n")).toContain(`uid ${first} is not used again by this worker: an earlier run locked its keyring`);
    // The jobs after it run on the other uid, each submitted as soon as the last one ended.
    // Each leaves a file in /tmp, so its uid is swept (~1 s) before the next may have it:
    // meanwhile the next job waits, queued, rather than failing for want of a uid.
    const left = `/tmp/qm-left-by-job-${process.pid}`;
    try {
      for (const next of ["after-1", "after-2"]) {
        expect(await runJob(next, (r) => `id -u >> '${r}'; [ ! -e ${left} ] || echo found >> '${r}'; touch ${left}`)).toBe(`${first + 1}\n`);
      }
    } finally {
      fs.rmSync(left, { force: true });
    }
  });

  it("a job with no uid free for the moment waits queued, its folder untouched, says why, and runs once one is back", async () => {
    env = await createTestEnv();
    const first = Number(env.config().jobUids.split("-")[0]);
    env.writeConfig({ Job_Uids: `${first}-${first}`, MaxNbProcessors: 4 });
    worker = await startWorker(env);
    const left = `/tmp/qm-left-by-job-${process.pid}`;
    try {
      const holderReport = sharedFile(env, "holder.txt");
      await submitJob(env, "holder", { script: `id -u >> '${holderReport}'; touch ${left}; ${waitAtGate(env)}` });
      await waitFor("the holder to run", () => fs.readFileSync(holderReport, "utf8"));
      const waiterReport = sharedFile(env, "waiter.txt");
      const waiterId = await submitJob(env, "waiter", { script: `id -u >> '${waiterReport}'; [ ! -e ${left} ] || echo found >> '${waiterReport}'` });
      // Processors are free but the pool's one uid is the holder's: the waiter is looked at
      // (its wait is logged) and left queued, not started (before: failed at once).
      const said = () => worker!.logs.some((l) => l.includes("no uid of Job_Uids") && l.includes("held by running jobs"));
      const queued = await waitFor("the waiter to be looked at", async () => {
        const row = await env.db.job.findUniqueOrThrow({ where: { id: waiterId } });
        return row.state !== "queued" || said() ? row : null;
      });
      expect({ state: queued.state, startedAt: queued.startedAt, error: queued.error }).toEqual({ state: "queued", startedAt: null, error: null });
      expect(fs.existsSync(path.join(env.layout.root, queued.folder))).toBe(true);
      // The wait is in the heartbeat at once (this worker beats every 60 s otherwise), and the
      // job's page and the API say it, not "about to start: processors are free".
      const startWait = () => env.db.workerStatus.findUnique({ where: { id: 1 } }).then((row) => parseWorkerStats(row?.stats).startWait);
      const wait = await waitFor("the heartbeat to say the wait", startWait);
      expect(wait).toBe(`no uid of Job_Uids (${first}-${first}) is free now (1 held by running jobs): the job starts when one is`);
      const { estimate } = await jobQueueDetails(env.db, env.store, env.config(), env.layout.root, queued);
      expect(estimate?.reason).toBe(wait);
      // The holder ends having changed /tmp: its uid is swept, then the waiter has it.
      openGate(env);
      const waiter = await waitForJob(env, "waiter", ["done", "failed"]);
      expect({ state: waiter.state, error: waiter.error }).toEqual({ state: "done", error: null });
      expect(fs.readFileSync(waiterReport, "utf8")).toBe(`${first}\n`); // ran once, on the swept uid
      // Its start ended the wait, and the heartbeat said so at once (well before a 60 s beat).
      await waitFor("the heartbeat to drop the wait", async () => (await startWait()) === undefined || null, 5_000);
    } finally {
      fs.rmSync(left, { force: true });
    }
  });

  // Forking them all takes 80 s on two CPUs: worker/local/spawner.int.test.ts forks up to a cap of 20.
  it("may have at most DEFAULT_MAX_PROCESSES processes, and cannot raise that", async () => {
    env = await createTestEnv();
    worker = await startWorker(env);
    const got = await runJob("forker", (r) => `/bin/bash -c 'ulimit -u; ulimit -Hu; ulimit -u ${DEFAULT_MAX_PROCESSES + 1} && echo raised || echo refused' >> '${r}' 2>&1`);
    expect(got).toMatch(new RegExp(`^${DEFAULT_MAX_PROCESSES}\n${DEFAULT_MAX_PROCESSES}\n.*cannot modify limit: Operation not permitted\nrefused\n$`));
  });
});
