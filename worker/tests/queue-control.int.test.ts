/**
 * Queue control with a real worker, real processes, folders and SQLite: hold/release,
 * pause/resume across a worker restart, after_ok / after_any chains with a cancelled
 * child mailed to its owner, and fair share (arrays: arrays.int.test.ts). The actions are
 * the functions the API routes call (lib/server/jobs, lib/server/queue).
 */
import fs from "node:fs";
import path from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { deleteJob } from "../../lib/server/jobs/delete-job";
import { holdJob, releaseJob } from "../../lib/server/jobs/hold-job";
import { setJobPriority } from "../../lib/server/jobs/set-priority";
import { pauseQueue, resumeQueue } from "../../lib/server/queue/pause-queue";
import { planTransition } from "../../lib/core/job-lifecycle";
import { createTestEnv, dropJob, makeJobFolder, raiseFlag, sharedFile, startSmtpServer, submitJob, type TestEnv, untilFlag as until, waitFor, waitForJob } from "./helpers";
import { startWorker, type InProcessWorker } from "./in-process";

let env: TestEnv;
let worker: InProcessWorker | undefined;
const closers: (() => Promise<void>)[] = [];

afterEach(async () => {
  await worker?.stop();
  worker = undefined;
  for (const close of closers.splice(0)) await close();
  await env?.cleanup();
});

const untilFlag = (name: string) => until(env, name);
const flag = (name: string) => raiseFlag(env, name);
/** A negative ("it did not start") needs a window to be observed in; dispatch reacts in milliseconds. */
const observe = (ms = 1500) => new Promise((r) => setTimeout(r, ms));
const job = (id: number) => env.db.job.findUniqueOrThrow({ where: { id } });

describe("hold and release", () => {
  it("a held job never starts until released, whether held by hand or submitted with hold = yes", async () => {
    env = await createTestEnv({ MaxNbProcessors: 1 });
    worker = await startWorker(env);
    const blocker = await submitJob(env, "blocker", { script: untilFlag("go") });
    await waitForJob(env, "blocker", ["running"]);
    const byKey = await submitJob(env, "held-by-key", { script: "echo ran > ran.txt", keys: { hold: "yes" } });
    const byHand = await submitJob(env, "held-by-hand", { script: "echo ran > ran.txt" });
    await holdJob(env.store, byHand, "test");
    const free = await submitJob(env, "free", { script: "true" });
    flag("go");
    // The queue moved on past both held jobs: they kept waiting while a later job ran.
    await waitForJob(env, "free", ["done"]);
    await observe(500);
    expect((await job(blocker)).state).toBe("done");
    for (const id of [byKey, byHand]) expect(await job(id)).toMatchObject({ state: "held", startedAt: null });
    expect(fs.existsSync(path.join(env.layout.queued, "held-by-key/process.log"))).toBe(false);
    expect((await job(free)).state).toBe("done");

    await releaseJob(env.store, env.layout, byKey, "test");
    await releaseJob(env.store, env.layout, byHand, "test");
    await waitForJob(env, "held-by-key", ["done"]);
    await waitForJob(env, "held-by-hand", ["done"]);
    const kinds = (await env.db.jobEvent.findMany({ where: { jobId: byHand }, orderBy: { id: "asc" } })).map((e) => e.kind);
    expect(kinds).toEqual(["queued", "held", "released", "running", "done"]);
  });

  it("refuses to hold a running job and says why", async () => {
    env = await createTestEnv({ MaxNbProcessors: 1 });
    worker = await startWorker(env);
    const id = await submitJob(env, "runs", { script: untilFlag("go") });
    await waitForJob(env, "runs", ["running"]);
    await expect(holdJob(env.store, id, "test")).rejects.toThrow("Job " + id + " is running; only a queued job can be held.");
    flag("go");
  });
});

describe("priority", () => {
  it("a waiting job's priority changed after submission sets the order the worker starts them in, held ones included", async () => {
    env = await createTestEnv({ MaxNbProcessors: 1 });
    worker = await startWorker(env);
    await submitJob(env, "blocker", { script: untilFlag("go") });
    await waitForJob(env, "blocker", ["running"]);
    const order = sharedFile(env, "order.txt");
    const ids: number[] = [];
    for (const name of ["a", "b", "c"]) ids.push(await submitJob(env, name, { script: `echo ${name} >> '${order}'`, keys: name === "b" ? { hold: "yes" } : {} }));
    await setJobPriority(env.store, env.layout, ids[2], 5, "test", null);
    await setJobPriority(env.store, env.layout, ids[1], 3, "test", null); // held: the new priority counts once released
    await releaseJob(env.store, env.layout, ids[1], "test");
    flag("go");
    for (const name of ["a", "b", "c"]) await waitForJob(env, name, ["done"]);
    expect(fs.readFileSync(order, "utf8")).toBe("c\nb\na\n");
    await expect(setJobPriority(env.store, env.layout, ids[0], 1, "test", null)).rejects.toThrow(`Job ${ids[0]} is done; only a waiting (queued or held) job's priority can change.`);
  });
});

describe("Max_User_Priority", () => {
  it("a folder dropped into QM_qJobs asking for more is queued at the limit, says so, and runs in that order; an array's elements too", async () => {
    env = await createTestEnv({ MaxNbProcessors: 1, Max_User_Priority: 2 });
    worker = await startWorker(env);
    await submitJob(env, "blocker", { script: untilFlag("go") });
    await waitForJob(env, "blocker", ["running"]);
    const order = sharedFile(env, "order.txt");
    dropJob(env, "modest", { script: `echo modest >> '${order}'`, keys: { priority: "2" } });
    await waitForJob(env, "modest", ["queued"]);
    dropJob(env, "greedy", { script: `echo greedy >> '${order}'`, keys: { priority: "900" } });
    const greedy = await waitForJob(env, "greedy", ["queued"]);
    dropJob(env, "sweep", { script: `echo sweep >> '${order}'`, keys: { priority: "50", array: "1-2" } });
    expect(greedy.priority).toBe(2);
    expect(JSON.parse(greedy.notes!)).toContain("priority 900 lowered to 2: only an administrator may give a job more (Max_User_Priority)");
    await waitFor("the array's rows", async () => (await env.db.job.count({ where: { name: { startsWith: "sweep" } } })) === 2);
    for (const element of await env.db.job.findMany({ where: { name: { startsWith: "sweep" } } })) expect(element.priority).toBe(2);
    flag("go");
    await waitForJob(env, "greedy", ["done"]);
    await waitFor("every job ran", () => fs.readFileSync(order, "utf8").split("\n").length === 5);
    // Equal priorities: first come, first served (the greedy one no longer passes the modest one).
    expect(fs.readFileSync(order, "utf8")).toBe("modest\ngreedy\nsweep\nsweep\n");
    const log = fs.readFileSync(path.join(env.layout.root, (await waitForJob(env, "greedy", ["done"])).folder, "process.log"), "utf8");
    expect(log).toContain("priority 900 lowered to 2");
  });
});

describe("pause and resume", () => {
  it("a paused queue lets running jobs finish, starts nothing, stays paused across a restart, and runs everything once resumed", async () => {
    env = await createTestEnv({ MaxNbProcessors: 2 });
    worker = await startWorker(env);
    await submitJob(env, "running", { script: untilFlag("go") });
    await waitForJob(env, "running", ["running"]);
    await pauseQueue(env.store, "test");
    const waiting = await submitJob(env, "waiting", { script: "true" });
    flag("go");
    await waitForJob(env, "running", ["done"]);
    await observe();
    expect((await job(waiting)).state).toBe("queued");

    await worker.stop();
    worker = await startWorker(env);
    await observe();
    expect((await job(waiting)).state).toBe("queued");

    await resumeQueue(env.store, env.layout);
    await waitForJob(env, "waiting", ["done"]);
    expect(await env.store.readPause()).toBeNull();
  });
});

describe("dependencies", () => {
  it("an after_ok chain of 3 runs in order; an array waits for a job and a job for a whole array", async () => {
    env = await createTestEnv({ MaxNbProcessors: 4 });
    worker = await startWorker(env);
    const order = sharedFile(env, "order.txt");
    const step = (name: string) => `sleep 0.3; echo ${name} >> '${order}'`;
    const a = await submitJob(env, "a", { script: step("a") });
    const b = await submitJob(env, "b", { script: step("b"), keys: { after_ok: a } });
    const c = await submitJob(env, "c", { script: step("c"), keys: { after_ok: b } });
    const sweep = await submitJob(env, "sw", { script: step("sw$QM_ARRAY_INDEX"), keys: { array: "1-3", after_ok: c } });
    const arrayId = (await job(sweep)).arrayId!;
    await submitJob(env, "collect", { script: step("collect"), keys: { after_any: `array:${arrayId}` } });
    await waitForJob(env, "collect", ["done"], 30_000);
    const lines = fs.readFileSync(order, "utf8").trim().split("\n");
    expect(lines.slice(0, 3)).toEqual(["a", "b", "c"]);
    expect(lines.slice(3, 6).sort()).toEqual(["sw1", "sw2", "sw3"]);
    expect(lines[6]).toBe("collect");
    const [ja, jb] = [await job(a), await job(b)];
    expect(jb.startedAt!.getTime()).toBeGreaterThanOrEqual(ja.finishedAt!.getTime());
  });

  it("folders found together are taken in together (one transaction), each once; the ones that wait or are arrays keep their keys", async () => {
    env = await createTestEnv({ MaxNbProcessors: 2 });
    const gate = await submitJob(env, "gate", { script: untilFlag("open") });
    const staging = path.join(env.dir, "burst");
    const names = Array.from({ length: 40 }, (_, i) => `b${String(i).padStart(2, "0")}`);
    for (const name of names) makeJobFolder(staging, name, { script: "true" });
    makeJobFolder(staging, "waits", { script: "true", keys: { after_ok: gate } });
    makeJobFolder(staging, "sweep", { script: "true", keys: { array: "1-3" } });
    await observe(400); // older than Settle_Time: moved in whole, they are complete at once
    for (const name of [...names, "waits", "sweep"]) fs.renameSync(path.join(staging, name), path.join(env.layout.queued, name));
    worker = await startWorker(env); // its first look finds them all at once
    await waitFor("the burst done", async () => (await env.db.job.count({ where: { name: { in: names }, state: "done" } })) === names.length, 30_000);
    const rows = await env.db.job.findMany({ where: { name: { in: names } } });
    expect(rows.map((r) => r.name).sort()).toEqual(names); // one row each: none lost, none twice
    // Made in one transaction, their first events share its time (one by one, 40 inserts take
    // several milliseconds). Not submittedAt: that is when the worker saw each folder arrive.
    const made = await env.db.jobEvent.findMany({ where: { jobId: { in: rows.map((r) => r.id) }, kind: "queued" } });
    expect(made).toHaveLength(names.length);
    expect(new Set(made.map((e) => e.at.getTime())).size).toBe(1);
    expect((await waitForJob(env, "waits", ["queued"])).state).toBe("queued"); // still waits for the gate
    expect(await env.db.job.count({ where: { arrayId: { not: null } } })).toBe(3);
    flag("open");
    await waitForJob(env, "waits", ["done"]);
  });

  it("a folder dropped alone that waits for a job already done, or is an array, starts at once (not at the next rescan)", async () => {
    env = await createTestEnv({ MaxNbProcessors: 2 });
    worker = await startWorker(env);
    const parent = await submitJob(env, "parent", { script: "true" });
    await waitForJob(env, "parent", ["done"]);
    dropJob(env, "child", { script: "true", keys: { after_ok: parent } });
    await waitForJob(env, "child", ["done"], 10_000);
    dropJob(env, "sweep", { script: "true", keys: { array: "1-2" } });
    await waitFor("the array done", async () => (await env.db.job.count({ where: { arrayId: { not: null }, state: "done" } })) === 2, 10_000);
  });

  it("a folder dropped that waits (after_ok) for a job already failed is refused at once with what to do, as an upload is (it stayed queued until a restart, then was queued only to be cancelled)", async () => {
    env = await createTestEnv({ MaxNbProcessors: 2 });
    worker = await startWorker(env);
    const parent = await submitJob(env, "parent", { script: "exit 2" });
    await waitForJob(env, "parent", ["failed"]);
    dropJob(env, "child", { script: "echo never > ran.txt", keys: { after_ok: parent } });
    const refused = await waitForJob(env, "child", ["invalid"], 5_000);
    expect(refused.error).toMatch(`after_ok names job ${parent}, which already ended failed: after_ok waits for jobs that end done, so this job could never start; requeue job ${parent} first`);
    expect(fs.readFileSync(path.join(env.layout.root, refused.folder, "qm-error.txt"), "utf8")).toMatch(/or wait with after_any/);
    // An array dropped with the same wait: refused whole, no element made.
    dropJob(env, "sweep", { script: "true", keys: { array: "1-2", after_ok: parent } });
    expect((await waitForJob(env, "sweep", ["invalid"], 5_000)).error).toMatch(`names job ${parent}, which already ended failed`);
    expect(await env.db.job.count({ where: { arrayId: { not: null } } })).toBe(0);
    // after_any has nothing to wait for: it runs.
    dropJob(env, "after-any", { script: "true", keys: { after_any: parent } });
    await waitForJob(env, "after-any", ["done"]);
  });

  it("a failing parent cancels its after_ok children down the chain, mails their owners; after_any still runs", async () => {
    const smtp = await startSmtpServer();
    closers.push(smtp.close);
    env = await createTestEnv({ MaxNbProcessors: 4, MailActive: "True", smtp_host: "127.0.0.1", smtp_port: smtp.port });
    worker = await startWorker(env);
    const parent = await submitJob(env, "parent", { script: "sleep 0.3; exit 3" });
    const child = await submitJob(env, "child", { script: "echo never > ran.txt", email: "kim@lab.org", keys: { after_ok: parent } });
    await submitJob(env, "grandchild", { script: "true", email: "lee@lab.org", keys: { after_ok: child, hold: "yes" } });
    await submitJob(env, "cleanup", { script: "true", keys: { after_any: parent } });
    await waitForJob(env, "cleanup", ["done"]);
    const cancelled = await waitForJob(env, "child", ["cancelled"]);
    expect(cancelled.error).toMatch(`job ${parent}, which this job waited for (after_ok), ended failed`);
    expect(cancelled.folder).toMatch(/^QM_lost\+found\/.*-child$/);
    expect(fs.readFileSync(path.join(env.layout.root, cancelled.folder, "qm-error.txt"), "utf8")).toMatch(/it was cancelled/);
    expect(fs.existsSync(path.join(env.layout.root, cancelled.folder, "ran.txt"))).toBe(false);
    const grandchild = await waitForJob(env, "grandchild", ["cancelled"]);
    expect(grandchild.error).toMatch(`job ${child}, which this job waited for (after_ok), ended cancelled`);
    await waitFor("two mails", () => smtp.mails.length >= 2);
    const kim = smtp.mails.find((m) => m.to.includes("kim@lab.org"))!;
    expect(kim.raw).toMatch(/child: was cancelled/);
    expect(kim.raw).toMatch(/Why: +job \d+, which this job waited for \(after_ok\), ended failed/);
    expect(smtp.mails.some((m) => m.to.includes("lee@lab.org"))).toBe(true);
  });

  it("a parent deleted through the web app: its after_ok child is cancelled at once, its after_any child runs", async () => {
    env = await createTestEnv({ MaxNbProcessors: 2 });
    worker = await startWorker(env);
    const parent = await submitJob(env, "held-parent", { script: "true", keys: { hold: "yes" } });
    await submitJob(env, "ok-child", { script: "true", keys: { after_ok: parent } });
    await submitJob(env, "any-child", { script: "true", keys: { after_any: parent } });
    await deleteJob(env.store, env.layout, parent, "test");
    expect((await waitForJob(env, "ok-child", ["cancelled"], 5_000)).error).toMatch(`job ${parent}, which this job waited for (after_ok), was deleted`);
    await waitForJob(env, "any-child", ["done"], 5_000);
  });

  it("a done array element deleted later leaves the wait for the whole array met: the job runs once the others are done", async () => {
    // Deleting a done element (its results cleaned up) cancelled the job waiting for array:N,
    // though that element had ended done: a satisfied wait stays satisfied, as in Slurm.
    env = await createTestEnv({ MaxNbProcessors: 2 });
    worker = await startWorker(env);
    const first = await submitJob(env, "sw", { script: "true", keys: { array: "1-2", hold: "yes" } });
    const arrayId = (await job(first)).arrayId!;
    const [one, two] = (await env.db.job.findMany({ where: { arrayId }, orderBy: { arrayIndex: "asc" } })).map((j) => j.id);
    const collect = await submitJob(env, "collect", { script: "true", keys: { after_ok: `array:${arrayId}` } });
    await releaseJob(env.store, env.layout, one, "test");
    await waitFor("element 1 done", async () => (await job(one)).state === "done");
    await deleteJob(env.store, env.layout, one, "ann");
    await observe();
    expect((await job(collect)).state).toBe("queued");
    const events = await env.db.jobEvent.findMany({ where: { jobId: collect, kind: "wait-met" } });
    expect(events.map((e) => e.detail)).toEqual([`job ${one}, which this job waited for (after_ok), ended done, then was deleted (by ann): that wait stays met`]);
    await releaseJob(env.store, env.layout, two, "test");
    await waitForJob(env, "collect", ["done"], 10_000);
  });

  it("a waiting array element deleted cancels the job waiting for the array, and its own child, each told what can still be done", async () => {
    // The child's note said "requeue job B, then this job", though B's requeue is refused
    // (it waited for a deleted job): only submitting again helps.
    env = await createTestEnv({ MaxNbProcessors: 2 });
    worker = await startWorker(env);
    const first = await submitJob(env, "sw", { script: "true", keys: { array: "1-2", hold: "yes" } });
    const arrayId = (await job(first)).arrayId!;
    const collect = await submitJob(env, "collect", { script: "true", keys: { after_ok: `array:${arrayId}` } });
    const report = await submitJob(env, "report", { script: "true", keys: { after_ok: collect } });
    await deleteJob(env.store, env.layout, first, "ann");
    expect((await waitForJob(env, "collect", ["cancelled"], 5_000)).error).toBe(
      `job ${first} (element of array ${arrayId}), which this job waited for (after_ok), was deleted; it will never run (submit it again without that wait, or with \`after_ok = array:${arrayId}\`, which now stands for the elements left)`,
    );
    const child = await waitForJob(env, "report", ["cancelled"], 5_000);
    expect(child.error).toBe(
      `job ${collect}, which this job waited for (after_ok), ended cancelled and can never run again (job ${collect} waited for job ${first}, which was deleted); it will never run (submit it again without that wait)`,
    );
    expect(fs.readFileSync(path.join(env.layout.root, child.folder, "qm-error.txt"), "utf8")).not.toMatch(/requeue/);
    expect(report).toBe(child.id);
  });

  it("rejects unknown jobs and arrays, and jobs not submitted yet, leaving nothing queued", async () => {
    env = await createTestEnv();
    const last = await submitJob(env, "exists", { script: "true" });
    await expect(submitJob(env, "bad", { script: "true", keys: { after_ok: last + 5 } })).rejects.toThrow(
      `proc_config.cfg: after_ok names job ${last + 5}, which does not exist yet; a job can only wait for jobs submitted before it (so that waits never go round in a circle)`,
    );
    const gone = await env.store.createJob({ name: "gone", script: "true", folder: "QM_dJobs/gone", source: "folder" }, planTransition("import", null, "done"));
    await env.db.job.update({ where: { id: gone }, data: { state: "deleted" } });
    await expect(submitJob(env, "bad2", { script: "true", keys: { after_any: `${last}, ${gone}` } })).rejects.toThrow(`after_any names job ${gone}, which does not exist (or was deleted)`);
    await expect(submitJob(env, "bad3", { script: "true", keys: { after_ok: "array:77" } })).rejects.toThrow("after_ok names array 77, which does not exist");
    expect(fs.readdirSync(env.layout.queued)).toEqual(["exists"]);
    expect(await env.db.job.count({ where: { name: { startsWith: "bad" } } })).toBe(0);
  });
});

describe("fair share", () => {
  it("among equal priorities, the owner who used less CPU recently starts first (off: first come)", async () => {
    env = await createTestEnv({ MaxNbProcessors: 1, Fair_Share: "True" });
    // Ann used 10 minutes of CPU an hour ago.
    await env.store.createJob(
      { name: "old", owner: "ann@lab.org", script: "true", folder: "QM_dJobs/old", source: "folder" },
      planTransition("import", null, "done", { cpuSeconds: 600, finishedAt: new Date(Date.now() - 3_600_000) }),
    );
    worker = await startWorker(env);
    await submitJob(env, "blocker", { script: untilFlag("go"), email: "zed@lab.org" });
    await waitForJob(env, "blocker", ["running"]);
    for (const name of ["ann1", "ann2"]) await submitJob(env, name, { script: "true", email: "ann@lab.org" });
    await submitJob(env, "bob1", { script: "true", email: "bob@lab.org" });
    flag("go");
    await waitFor("all done", async () => (await env.db.job.count({ where: { state: "done" } })) === 5);
    const started = await env.db.job.findMany({ where: { name: { in: ["ann1", "ann2", "bob1"] } }, orderBy: { startedAt: "asc" } });
    expect(started.map((j) => j.name)).toEqual(["bob1", "ann1", "ann2"]);

    // The same queue with fair share off: first come, first served.
    env.writeConfig({ MaxNbProcessors: 1, Fair_Share: "False" });
    await waitFor("fair share off", () => !worker!.worker.config().fairShare.on);
    await submitJob(env, "blocker2", { script: untilFlag("go2"), email: "zed@lab.org" });
    await waitForJob(env, "blocker2", ["running"]);
    await submitJob(env, "ann3", { script: "true", email: "ann@lab.org" });
    await submitJob(env, "bob2", { script: "true", email: "bob@lab.org" });
    flag("go2");
    await waitFor("all done", async () => (await env.db.job.count({ where: { state: "done" } })) === 8);
    const fifo = await env.db.job.findMany({ where: { name: { in: ["ann3", "bob2"] } }, orderBy: { startedAt: "asc" } });
    expect(fifo.map((j) => j.name)).toEqual(["ann3", "bob2"]);
  });
});
