/**
 * What a job keeps outside its files, where the next job on its pool uid (another person's)
 * would find it: POSIX message queues and the uid's keyrings; and the cap on a pool uid's
 * processes. Real jobs through a real worker as root, as deployed (docs/security.md, "A job
 * ends whole"; docs/limits.md, "Processes").
 */
import fs from "node:fs";
import path from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { DEFAULT_MAX_PROCESSES } from "../local/spawner-client";
import { createTestEnv, sharedFile, submitJob, type TestEnv, waitForJob } from "./helpers";
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
    // The uid is free again once the keeper's temporary files are swept (~1 s).
    await new Promise((r) => setTimeout(r, 2_500));
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
    // The jobs after it run on the other uid: each once the last one's uid is free again. A
    // uid released while the temporary folders changed (other tests write there) is swept
    // first (~1 s), and with none free meanwhile a start fails (docs/security.md).
    for (const next of ["after-1", "after-2"]) {
      expect(await runJob(next, (r) => `id -u >> '${r}'`)).toBe(`${first + 1}\n`);
      await new Promise((r) => setTimeout(r, 2_500));
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
