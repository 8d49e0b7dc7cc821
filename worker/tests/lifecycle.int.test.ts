/**
 * The job lifecycle with a real worker runner, real folders, real child processes, a real
 * SQLite file and a real SMTP server.
 */
import fs from "node:fs";
import path from "node:path";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { planTransition } from "../../lib/core/job-lifecycle";
import { createTestEnv, dropJob, makeJobFolder, seedJob, startSmtpServer, submitJob, type TestEnv, waitFor, waitForJob } from "./helpers";
import { startWorker, type InProcessWorker } from "./in-process";

let smtp: Awaited<ReturnType<typeof startSmtpServer>>;
let env: TestEnv;
let worker: InProcessWorker;

beforeAll(async () => {
  smtp = await startSmtpServer();
});
afterAll(() => smtp.close());
afterEach(async () => {
  await worker?.stop();
  await env?.cleanup();
});

async function setup(keys: Record<string, string | number> = {}) {
  env = await createTestEnv({ MailActive: "True", smtp_host: "127.0.0.1", smtp_port: smtp.port, mail_from: "QM <qm@test>", ...keys });
  worker = await startWorker(env, { publicUrl: "http://qm.test:8000" });
}

describe("a job's life", () => {
  it("runs the seed example: [Proc] section, module from a zip, progress while running, results in QM_dJobs", async () => {
    await setup();
    fs.renameSync(seedJob(env.dir, "seed example", "proc_config.cfg"), path.join(env.layout.queued, "seed example"));
    const running = await waitForJob(env, "seed example", ["running"]);
    expect(running.folder).toBe("QM_Jobs/seed example");
    expect(running.source).toBe("folder");
    const partial = await waitFor("progress while running", async () => {
      const row = await env.db.job.findUnique({ where: { id: running.id } });
      return row?.state === "running" && row.progress !== null && row.progress > 0 && row.progress < 100 ? row : null;
    });
    expect(partial.progress).toBeGreaterThan(0);
    const done = await waitForJob(env, "seed example", ["done", "failed"]);
    expect(done.state).toBe("done");
    expect(done.folder).toMatch(/^QM_dJobs\/\d{4}-\d\d-\d\dT\d\d-\d\d-\d\dZ-seed example$/);
    expect(done.progress).toBe(100);
    expect(done.exitCode).toBe(0);
    expect(done.cpuSeconds).toBeGreaterThan(0);
    expect(done.startedAt!.getTime()).toBeLessThan(done.finishedAt!.getTime());
    const dir = path.join(env.layout.root, done.folder);
    const results = fs.readFileSync(path.join(dir, "results.txt"), "utf8");
    expect(results).toContain("1 4 9 16 25 36 49 64");
    // nb_proc 12 is clamped to MaxNbProcessors 2, with the warning at the top of process.log.
    expect(results).toContain("args=['param2'] NB_PROC=2 OMP_NUM_THREADS=2 QM_JOB_NAME=seed example");
    const log = fs.readFileSync(path.join(dir, "process.log"), "utf8");
    expect(log.split("\n")[0]).toMatch(/warning: nb_proc = 12 is more than MaxNbProcessors = 2/);
    expect(log).toMatch(/=== QueueManager job \d+ "seed example" started .* on /);
    expect(log).toContain("=== command: python3 process.py proc_config.cfg param2");
    expect(log).toContain("processing 8 / 8");
    expect(log).toMatch(/=== QueueManager job \d+ ended .*: exit code 0, duration /);
    expect(fs.readdirSync(env.layout.running)).toEqual([]);
    await waitFor("success mail", () => smtp.mails.find((m) => m.raw.includes("seed example") && m.raw.includes("finished successfully")));
    const events = await waitFor("mail event", async () => {
      const all = await env.db.jobEvent.findMany({ where: { jobId: done.id }, orderBy: { id: "asc" } });
      return all.length === 4 ? all : null;
    });
    expect(events.map((e) => e.kind)).toEqual(["queued", "running", "done", "mail-sent"]);
  });

  it("runs the XML variant when job_file is an .xml file", async () => {
    await setup({ job_file: "job.xml", MailActive: "False" });
    fs.renameSync(seedJob(env.dir, "xml job", "job.xml"), path.join(env.layout.queued, "xml job"));
    const done = await waitForJob(env, "xml job", ["done", "failed", "invalid"]);
    expect(done.state).toBe("done");
    expect(done.owner).toBe("me@example.org");
    expect(fs.readFileSync(path.join(env.layout.root, done.folder, "results.txt"), "utf8")).toContain("1 4 9 16 25");
  });

  it("moves a failing job to QM_lost+found and mails its owner", async () => {
    await setup();
    const id = await submitJob(env, "breaks", { script: "echo computing; echo 'error: bad input' >&2; exit 3", email: "owner@example.org" });
    const row = await waitForJob(env, "breaks", ["failed", "done"]);
    expect(row).toMatchObject({ id, state: "failed", exitCode: 3, signal: null });
    expect(row.folder).toMatch(/^QM_lost\+found\/.*-breaks$/);
    expect(fs.readFileSync(path.join(env.layout.root, row.folder, "process.log"), "utf8")).toContain("error: bad input");
    const mail = await waitFor("failure mail", () => smtp.mails.find((m) => m.to.includes("owner@example.org")));
    expect(mail.raw).toContain("[QM] breaks: failed");
    expect(mail.raw).toContain("exit code 3");
    expect(mail.raw).toContain("error: bad input");
    expect(mail.raw).toContain(`http://qm.test:8000/jobs/${id}`);
    await waitFor("mail-sent event", () => env.db.jobEvent.findFirst({ where: { jobId: id, kind: "mail-sent" } }));
    // Each mail sent is also a line of the worker's log, as docs/worker.md says.
    expect(worker.logs).toContain(`job ${id}: mail sent to owner@example.org`);
  });

  it("mails only an e_mail that is one address: a list in the info file gets no mail, and says why", async () => {
    // Before, "spammer@example.org, victim@example.net" went to the mail library as it was,
    // which sent the mail (with the job's info and log) to every address listed.
    await setup();
    await submitJob(env, "spam", { script: "echo buy now", email: "spammer@example.org, victim1@example.net; Victim 2 <victim2@example.net>" });
    await submitJob(env, "plain", { script: "true", email: "plain@example.org" });
    const row = await waitForJob(env, "spam", ["done"]);
    await waitFor("the plain job's mail", () => smtp.mails.find((m) => m.to.includes("plain@example.org")));
    const event = await waitFor("mail-failed event", () => env.db.jobEvent.findFirst({ where: { jobId: row.id, kind: "mail-failed" } }));
    expect(event.detail).toMatch(/is not one address \(such as name@lab\.org\): no mail sent$/);
    expect(smtp.mails.flatMap((m) => m.to).filter((to) => /victim|spammer/.test(to))).toEqual([]);
  });

  it("records a mail failure without holding up the queue", async () => {
    await setup({ smtp_port: 9 });
    await submitJob(env, "unmailable", { script: "exit 1", email: "x@example.org" });
    await submitJob(env, "next one", { script: "true" });
    const row = await waitForJob(env, "unmailable", ["failed"]);
    await waitForJob(env, "next one", ["done"]);
    const event = await waitFor("mail-failed event", () => env.db.jobEvent.findFirst({ where: { jobId: row.id, kind: "mail-failed" } }));
    expect(event.detail).toContain("x@example.org");
    // What to check, after the SMTP library's own words (connect ECONNREFUSED ...).
    expect(event.detail).toMatch(/ECONNREFUSED.* \(no SMTP server answered at [^ ]+:9: check smtp_host and smtp_port in QMserv\.cfg\)$/);
  });

  it("says why a mail went to this machine's SMTP server when QMserv.cfg names none (a QM 0.4 file whose MailSender was in the old shell's environment)", async () => {
    await setup({ smtp_host: "", smtp_port: 9 });
    await submitJob(env, "local mail", { script: "true", email: "x@example.org" });
    const row = await waitForJob(env, "local mail", ["done"]);
    const event = await waitFor("mail-failed event", () => env.db.jobEvent.findFirst({ where: { jobId: row.id, kind: "mail-failed" } }));
    const hint = "QMserv.cfg has no smtp_host and no MailSender (nor does the environment): mails go to this machine's SMTP server, localhost:9";
    expect(event.detail).toContain(hint);
    expect(worker.logs.find((line) => line.includes("mail to x@example.org failed"))).toContain(hint);
  });

  it("rejects invalid folders to QM_lost+found with qm-error.txt, once they are quiet", async () => {
    await setup({ MailActive: "False" });
    dropJob(env, "no script", { script: "", infoText: "[QMOptions]\nnb_proc = 2\n" });
    fs.mkdirSync(path.join(env.layout.queued, "empty folder"));
    for (const [name, message] of [["no script", /no `script` entry in \[QMOptions\]/], ["empty folder", /The job folder has no proc_config.cfg, nor a script with #QM lines/]] as const) {
      const row = await waitForJob(env, name, ["invalid"]);
      expect(row.error).toMatch(message);
      const note = fs.readFileSync(path.join(env.layout.root, row.folder, "qm-error.txt"), "utf8");
      expect(note).toMatch(message);
      expect(note).toContain("How to fix it");
    }
    expect(fs.readdirSync(env.layout.queued)).toEqual([]);
  });

  it("keeps an invalid folder's owner and info, so that its owner may delete or requeue it", async () => {
    await setup({ MailActive: "False" });
    dropJob(env, "bad keys", { script: "", infoText: "[QMOptions]\ne_mail = Bob Builder <bob@lab.org>\ninfo = dropped bad\nnb_proc = 0\n" });
    dropJob(env, "bad xml", { script: "", infoName: "infos.xml", infoText: '<PARAMETER><e_mail value="ann@lab.org"/><info value="no script"/></PARAMETER>' });
    dropJob(env, "bad wait", { script: "true", email: "carol@lab.org", keys: { after_ok: "99999" } });
    expect(await waitForJob(env, "bad keys", ["invalid"])).toMatchObject({ owner: "bob@lab.org", info: "dropped bad" });
    expect(await waitForJob(env, "bad xml", ["invalid"])).toMatchObject({ owner: "ann@lab.org", info: "no script" });
    expect(await waitForJob(env, "bad wait", ["invalid"])).toMatchObject({ owner: "carol@lab.org" });
  });

  it("logs each dropped folder it takes in, with the job's id and, when not queued, its state", async () => {
    await setup({ MailActive: "False", Settle_Time: 100 });
    dropJob(env, "dropped", { script: "true" });
    dropJob(env, "dropped held", { script: "true", keys: { hold: "yes" } });
    const done = await waitForJob(env, "dropped", ["done"]);
    const held = await waitForJob(env, "dropped held", ["held"]);
    // admin.md: the worker logs the jobs it takes in; a dropped job had no line before it started (DEBUG).
    expect(worker.logs).toContain(`job ${done.id}: taken in: QM_qJobs/dropped`);
    expect(worker.logs).toContain(`job ${held.id}: taken in: QM_qJobs/dropped held (held)`);
  });

  it("queues dropped folders in the order they came in, though a later one settled first", async () => {
    await setup({ MailActive: "False", Settle_Time: 800 });
    const staging = path.join(env.dir, "staging");
    dropJob(env, "blocker", { script: "sleep 2", nbProc: 2 });
    await waitForJob(env, "blocker", ["running"]);
    // "second" is written first, so it is quiet first; "first" is moved in first. Both are
    // still settling when moved in.
    makeJobFolder(staging, "second", { script: "true", nbProc: 2 });
    await new Promise((r) => setTimeout(r, 300));
    makeJobFolder(staging, "first", { script: "true", nbProc: 2 });
    fs.renameSync(path.join(staging, "first"), path.join(env.layout.queued, "first"));
    await new Promise((r) => setTimeout(r, 100));
    fs.renameSync(path.join(staging, "second"), path.join(env.layout.queued, "second"));
    const first = await waitForJob(env, "first", ["done"]);
    const second = await waitForJob(env, "second", ["done"]);
    // Taken in second first (its id is lower), but queued and run after "first".
    expect(second.id).toBeLessThan(first.id);
    expect(first.submittedAt.getTime()).toBeLessThan(second.submittedAt.getTime());
    expect(first.startedAt!.getTime()).toBeLessThan(second.startedAt!.getTime());
  });

  it("waits for a copy in progress to be quiet for Settle_Time before starting it", async () => {
    await setup({ MailActive: "False", Settle_Time: 1500 });
    const dir = path.join(env.layout.queued, "slow copy");
    fs.mkdirSync(dir);
    const t0 = Date.now();
    // A copy that writes its files one by one, the info file first, the data last.
    makeJobFolder(env.layout.queued, "slow copy", { script: "test -f data3.bin && echo ok" });
    for (let i = 1; i <= 3; i++) {
      await new Promise((r) => setTimeout(r, 400));
      expect(await env.db.job.count({ where: { name: "slow copy" } })).toBe(0);
      fs.writeFileSync(path.join(dir, `data${i}.bin`), "x".repeat(1000));
    }
    const lastWrite = Date.now();
    const row = await waitForJob(env, "slow copy", ["done", "failed"]);
    expect(row.state).toBe("done");
    expect(row.startedAt!.getTime()).toBeGreaterThanOrEqual(lastWrite + 1500 - 50);
    expect(lastWrite - t0).toBeGreaterThan(1000);
  });

  it("skips a queued row until its folder arrives (upload in progress), then starts it without waiting for Settle_Time", async () => {
    await setup({ MailActive: "False", Settle_Time: 60_000 });
    // The row of an upload whose folder has not been renamed in yet.
    const id = await env.store.createJob({ name: "late folder", script: "echo arrived", folder: "QM_qJobs/late folder", source: "upload" }, planTransition("submit", null, "queued"));
    const row = { id };
    fs.writeFileSync(env.layout.wakeFile, "1");
    await submitJob(env, "other", { script: "true" });
    await waitForJob(env, "other", ["done"]);
    expect((await env.db.job.findUniqueOrThrow({ where: { id: row.id } })).state).toBe("queued");
    makeJobFolder(env.dir, "late folder", { script: "echo arrived" });
    fs.renameSync(path.join(env.dir, "late folder"), path.join(env.layout.queued, "late folder"));
    const done = await waitForJob(env, "late folder", ["done"], 10_000);
    expect(done.id).toBe(row.id);
    expect(await env.db.job.count()).toBe(2);
  });

  it("never overwrites: names with spaces and unicode, clashing with folders already in the destination", async () => {
    await setup({ MailActive: "False" });
    const name = "ré sultats été 2026";
    fs.mkdirSync(path.join(env.layout.running, name));
    fs.writeFileSync(path.join(env.layout.running, name, "keep.txt"), "not mine");
    await submitJob(env, name, { script: "echo hello > out.txt" });
    const first = await waitForJob(env, name, ["done"]);
    await submitJob(env, name, { script: "echo again > out.txt" });
    const second = await waitFor("second run", () => env.db.job.findFirst({ where: { name, state: "done", id: { not: first.id } } }));
    expect(fs.readFileSync(path.join(env.layout.running, name, "keep.txt"), "utf8")).toBe("not mine");
    expect(first.folder).not.toBe(second.folder);
    expect(fs.readFileSync(path.join(env.layout.root, first.folder, "out.txt"), "utf8")).toBe("hello\n");
    expect(fs.readFileSync(path.join(env.layout.root, second.folder, "out.txt"), "utf8")).toBe("again\n");
  });
});
