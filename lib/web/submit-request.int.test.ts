/**
 * POST /api/jobs end to end below HTTP: a real multipart Request, a real database (SQLite,
 * or PostgreSQL in the `integration-pg` project) and a temporary QM_FOLDER. Every rejection must leave no row, no queued folder and no
 * staging folder behind.
 */
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { type WakeUps, createTestDatabase, watchWakeUps } from "../../prisma/tools/test-database";
import { type Db, createDb } from "../server/db";
import type { SubmittedJob } from "../server/jobs/submit-job";
import { buildZip, jobZip } from "../server/zip/zip-fixtures";

const dir = fs.mkdtempSync(path.join(os.tmpdir(), "qm-submit-"));
const qm = path.join(dir, "QM");
const queued = path.join(qm, "QM_qJobs");
const staging = path.join(qm, ".qm/staging");
let db: Db;
let wakeUps: WakeUps;
let handleSubmitRequest: typeof import("./submit-request").handleSubmitRequest;

beforeAll(async () => {
  fs.writeFileSync(
    path.join(dir, "QMserv.cfg"),
    `[QMServer]\nQM_FOLDER = ${qm}\njob_file = proc_config.cfg\n\n[WEB_QMserver]\n# %integer% %min:1%\nMax_Upload_MB = 1\n`,
  );
  const url = await createTestDatabase(dir);
  wakeUps = await watchWakeUps(url, path.join(qm, ".qm/wake"));
  Object.assign(process.env, { QM_CONFIG: path.join(dir, "QMserv.cfg"), QM_DATA: dir, DATABASE_URL: url });
  db = createDb(url);
  ({ handleSubmitRequest } = await import("./submit-request"));
});

afterAll(async () => {
  await wakeUps.close();
  await db.$disconnect();
  fs.rmSync(dir, { recursive: true, force: true });
});

beforeEach(async () => {
  wakeUps.reset();
  await db.job.deleteMany();
  fs.rmSync(queued, { recursive: true, force: true });
  fs.mkdirSync(queued, { recursive: true });
});

function post(zip: Buffer, fileName = "job.zip", fields: Record<string, string> = {}, headers: Record<string, string> = {}) {
  const form = new FormData();
  for (const [k, v] of Object.entries(fields)) form.append(k, v);
  form.append("file", new Blob([new Uint8Array(zip)], { type: "application/zip" }), fileName);
  // One zip: its job, or its refusal thrown.
  return handleSubmitRequest(new Request("http://localhost/api/jobs", { method: "POST", body: form, headers }), null).then((outcomes) => {
    expect(outcomes).toHaveLength(1);
    return (outcomes[0] as { job: SubmittedJob }).job;
  });
}

async function expectNothingLeft() {
  expect(await db.job.count()).toBe(0);
  expect(fs.readdirSync(queued)).toEqual([]);
  expect(fs.readdirSync(staging)).toEqual([]);
}

describe("submitting a zipped job", () => {
  it("queues a job from a zip with one top folder: row, folder, wake-up", async () => {
    const job = await post(jobZip({ folder: "nmr run" }), "whatever.zip");
    expect(job.name).toBe("nmr_run");
    expect(job.folder).toBe("QM_qJobs/nmr_run");
    const row = await db.job.findUniqueOrThrow({ where: { id: job.id }, include: { events: true } });
    expect(row).toMatchObject({ state: "queued", source: "api", owner: "tester@lab.org", script: "sh run.sh", nbProc: 1, folder: "QM_qJobs/nmr_run" });
    expect(row.events.map((e) => e.kind)).toEqual(["queued"]);
    expect(fs.readdirSync(path.join(queued, "nmr_run")).sort()).toEqual(["proc_config.cfg", "run.sh"]);
    expect(fs.statSync(path.join(queued, "nmr_run/run.sh")).mode & 0o100).toBeTruthy();
    expect(await wakeUps.woken()).toBe(true);
    expect(fs.readdirSync(staging)).toEqual([]);
  });

  it("names a root-level job after the zip and writes the form's fields into its info file", async () => {
    const job = await post(jobZip(), "Spectra 2024.zip", { e_mail: "me@lab.org", nb_proc: "2", priority: "5", info: "from the form" }, { "x-qm-client": "submit-form" });
    expect(job.name).toBe("Spectra_2024");
    const row = await db.job.findUniqueOrThrow({ where: { id: job.id } });
    expect(row).toMatchObject({ source: "upload", owner: "me@lab.org", nbProc: 2, priority: 5, info: "from the form" });
    const cfg = fs.readFileSync(path.join(queued, "Spectra_2024/proc_config.cfg"), "utf8");
    expect(cfg).toBe("[QMOptions]\n# written by a test\nnb_proc : 2\ne_mail : me@lab.org\ninfo : from the form\nscript : sh run.sh\npriority = 5\n");
  });

  it("gives a second job of the same name a free name", async () => {
    await post(jobZip({ folder: "twin" }));
    const second = await post(jobZip({ folder: "twin" }));
    expect(second.folder).toBe("QM_qJobs/twin-2");
    expect(fs.readdirSync(queued).sort()).toEqual(["twin", "twin-2"]);
  });
});

describe("staging", () => {
  it("an upload sweeps staging folders left by a crash a day ago, not recent ones", async () => {
    const { removeStaleStaging } = await import("../server/jobs/submit-job");
    fs.mkdirSync(path.join(staging, "old/job"), { recursive: true });
    fs.mkdirSync(path.join(staging, "recent"), { recursive: true });
    const dayAgo = (Date.now() - 25 * 3_600_000) / 1000;
    fs.utimesSync(path.join(staging, "old"), dayAgo, dayAgo);
    expect(removeStaleStaging(staging)).toEqual(["old"]);
    expect(fs.readdirSync(staging)).toEqual(["recent"]);
    fs.rmSync(path.join(staging, "recent"), { recursive: true });
  });
});

describe("other shapes of a job", () => {
  const script = (text: string) => Buffer.from(text);

  it("queues a single script uploaded as it is (no zip), with the form's values written as #QM lines", async () => {
    const job = await post(script("#!/bin/sh\n#QM nb_proc=2\necho $NB_PROC\n"), "fit.sh", { priority: "3", e_mail: "zoe@lab.org" });
    expect(job).toMatchObject({ name: "fit", folder: "QM_qJobs/fit" });
    const row = await db.job.findUniqueOrThrow({ where: { id: job.id } });
    expect(row).toMatchObject({ nbProc: 2, priority: 3, owner: "zoe@lab.org", script: "./fit.sh", source: "api" });
    expect(JSON.parse(row.notes!)).toEqual(["no info file: the job is fit.sh with its #QM directives"]);
    const file = path.join(queued, "fit", "fit.sh");
    expect(fs.readFileSync(file, "utf8")).toBe("#!/bin/sh\n#QM nb_proc=2\n#QM e_mail=zoe@lab.org\n#QM priority=3\necho $NB_PROC\n");
    expect(fs.statSync(file).mode & 0o100).toBe(0o100);
    expect(fs.readdirSync(staging)).toEqual([]);
  });

  it("queues a zip holding a single script, named after the zip", async () => {
    const job = await post(buildZip([{ name: "run.sh", data: "#QM walltime=2-00:00:00\n#QM mem=512M\necho\n" }]), "long run.zip");
    expect(job.name).toBe("long_run");
    expect(await db.job.findUniqueOrThrow({ where: { id: job.id } })).toMatchObject({ walltimeSeconds: 2 * 86_400, memMb: 512, script: "/bin/sh ./run.sh" });
  });

  it("queues a zip holding infos.xml under the default job_file", async () => {
    const job = await post(buildZip([{ name: "xmljob/" }, { name: "xmljob/infos.xml", data: '<PARAMETER><script value="sh run.sh"/><nb_proc value="3"/></PARAMETER>' }]), "x.zip", { nb_proc: "2" });
    const row = await db.job.findUniqueOrThrow({ where: { id: job.id } });
    expect(row).toMatchObject({ name: "xmljob", nbProc: 2, script: "sh run.sh" });
    expect(fs.readFileSync(path.join(queued, "xmljob", "infos.xml"), "utf8")).toContain('<nb_proc value="2"/>');
  });

  it("refuses a file that is neither a zip nor a script with #QM lines, leaving nothing behind", async () => {
    await expect(post(script("echo hello\n"), "hello.sh")).rejects.toMatchObject({
      code: "INVALID_INPUT",
      message: expect.stringMatching(/hello\.sh is neither a zip nor a script with #QM lines; upload a zipped job folder, or put lines such as "#QM nb_proc=2"/),
    });
    await expect(post(script("#QM nb_proc : many\n"), "bad.sh")).rejects.toThrow(/bad\.sh line 1: nb_proc must be a whole number/);
    await expectNothingLeft();
  });
});

describe("QM_FOLDER changed while the web server runs", () => {
  it("uploads keep going to the QM_FOLDER it started with; the new folder is not even created", async () => {
    const cfg = path.join(dir, "QMserv.cfg");
    const original = fs.readFileSync(cfg, "utf8");
    const elsewhere = path.join(dir, "elsewhere");
    try {
      fs.writeFileSync(cfg, original.replace(`QM_FOLDER = ${qm}`, `QM_FOLDER = ${elsewhere}`));
      const later = new Date(Date.now() + 5000);
      fs.utimesSync(cfg, later, later); // the web context re-reads QMserv.cfg when its mtime changes
      const job = await post(jobZip({ folder: "after-edit" }));
      expect(fs.existsSync(path.join(queued, "after-edit", "proc_config.cfg"))).toBe(true);
      expect(job.folder).toBe("QM_qJobs/after-edit");
      expect(fs.existsSync(elsewhere)).toBe(false);
    } finally {
      fs.writeFileSync(cfg, original);
    }
  });
});

describe("rejected uploads leave nothing behind", () => {
  const cases: [string, () => Buffer, RegExp, string][] = [
    ["zip-slip ../evil", () => jobZip({ extra: [{ name: "../evil.sh", data: "rm -rf ~" }] }), /"\.\.\/evil\.sh" contains "\.\."/, "INVALID_INPUT"],
    ["absolute path", () => jobZip({ extra: [{ name: "/etc/cron.d/evil", data: "x" }] }), /absolute path/, "INVALID_INPUT"],
    ["backslash trick", () => jobZip({ extra: [{ name: "..\\..\\evil", data: "x" }] }), /backslash/, "INVALID_INPUT"],
    ["symlink", () => jobZip({ extra: [{ name: "passwd", data: "/etc/passwd", mode: 0o120777, deflate: false }] }), /symbolic link/, "INVALID_INPUT"],
    ["zip bomb", () => buildZip([{ name: "proc_config.cfg", data: "[QMOptions]\nscript=x\n" }, { name: "zeros", data: Buffer.alloc(40 * 1024 * 1024) }]), /expands to more than 10 MB/, "TOO_LARGE"],
    ["too many entries", () => buildZip(Array.from({ length: 10_001 }, (_, i) => ({ name: `f${i}`, data: "" }))), /10001 entries; at most 10000/, "TOO_LARGE"],
    ["not a zip", () => Buffer.from("PK but not really a zip file"), /not a valid zip archive/, "INVALID_INPUT"],
    ["no info file", () => buildZip([{ name: "job/" }, { name: "job/run.sh", data: "echo" }]), /The folder "job" in the zip has no proc_config.cfg, nor a script with #QM lines; add proc_config.cfg/, "INVALID_INPUT"],
    ["no info file at the top", () => buildZip([{ name: "run.sh", data: "echo" }, { name: "data.csv", data: "1" }]), /The zip has no proc_config.cfg, nor a script with #QM lines/, "INVALID_INPUT"],
    ["a malformed #QM line", () => buildZip([{ name: "run.sh", data: "#QM nb_proc=0\necho" }]), /run\.sh line 1: nb_proc must be between 1 and 4096 \(got 0\)/, "INVALID_INPUT"],
    ["info file without script", () => jobZip({ cfg: "[QMOptions]\nnb_proc = 2\n" }), /proc_config.cfg has no `script` entry in \[QMOptions\]/, "INVALID_INPUT"],
    ["info file that is not ConfigParser", () => jobZip({ cfg: "script = x\n" }), /line 1: .*before any \[section\]/, "INVALID_INPUT"],
    ["encrypted entry", () => jobZip({ extra: [{ name: "secret", data: "x", encrypted: true, deflate: false }] }), /encrypted/, "INVALID_INPUT"],
  ];
  it.each(cases)("%s", async (_label, zip, message, code) => {
    await expect(post(zip())).rejects.toMatchObject({ code, message: expect.stringMatching(message) });
    await expectNothingLeft();
  });

  it("an upload over Max_Upload_MB is stopped while streaming (413)", async () => {
    const big = Buffer.alloc(2 * 1024 * 1024, 7);
    const form = new FormData();
    form.append("file", new Blob([new Uint8Array(big)]), "big.zip");
    // A streamed body has no Content-Length: the limit is enforced while reading.
    const encoded = new Response(form);
    const body = encoded.body!;
    const contentType = encoded.headers.get("content-type")!;
    const request = new Request("http://localhost/api/jobs", { method: "POST", body, headers: { "content-type": contentType }, duplex: "half" } as RequestInit);
    await expect(handleSubmitRequest(request, null)).rejects.toMatchObject({ code: "TOO_LARGE", message: expect.stringMatching(/larger than the 1 MB allowed \(Max_Upload_MB/) });
    await expectNothingLeft();
  });

  it("an upload declaring a Content-Length over the limit is refused before reading", async () => {
    const request = new Request("http://localhost/api/jobs", {
      method: "POST",
      body: "x",
      headers: { "content-type": "multipart/form-data; boundary=x", "content-length": String(50 * 1024 * 1024) },
    });
    await expect(handleSubmitRequest(request, null)).rejects.toMatchObject({ code: "TOO_LARGE" });
    await expectNothingLeft();
  });

  it("a field given twice, or the file sent as text, is refused rather than one value dropped", async () => {
    const send = async (build: (form: FormData) => void) => {
      const form = new FormData();
      build(form);
      return handleSubmitRequest(new Request("http://localhost/api/jobs", { method: "POST", body: form }), null);
    };
    const zip = () => new Blob([new Uint8Array(jobZip())], { type: "application/zip" });
    await expect(send((f) => (f.append("array", "1-3"), f.append("array", "1-5"), f.append("file", zip(), "job.zip")))).rejects.toMatchObject({
      code: "INVALID_INPUT", message: "The field array is given twice; send it once", details: { array: "given twice" },
    });
    await expect(send((f) => f.append("file", "#QM info=x\necho hi\n"))).rejects.toMatchObject({
      code: "INVALID_INPUT", message: "The field file holds text, not a file: send the zip or script as a file (curl -F file=@job.zip)",
    });
    await expectNothingLeft();
  });

  it("bad form fields are named one by one", async () => {
    await expect(post(jobZip(), "job.zip", { nb_proc: "many", e_mail: "nobody" })).rejects.toMatchObject({
      code: "INVALID_INPUT",
      details: { nb_proc: "nb_proc must be a whole number", e_mail: "e_mail must be an address such as name@lab.org" },
    });
    await expectNothingLeft();
  });

  it("several zips in one request are several jobs with the same fields; a bad one is told apart and the others queued", async () => {
    const three = new FormData();
    three.append("nb_proc", "3");
    three.append("file", new Blob([new Uint8Array(jobZip({ folder: "first" }))]), "a.zip");
    three.append("file", new Blob([new Uint8Array(jobZip({ folder: "broken", cfg: "[QMOptions]\nnb_proc : 2\n" }))]), "b.zip");
    three.append("file", new Blob([new Uint8Array(jobZip({ folder: "third" }))]), "c.zip");
    const outcomes = await handleSubmitRequest(new Request("http://localhost/api/jobs", { method: "POST", body: three }), null);
    expect(outcomes.map((o) => (o.ok ? o.job.name : `${o.zipName}: ${o.error.code}`))).toEqual(["first", "b.zip: INVALID_INPUT", "third"]);
    expect((outcomes[1] as { error: Error }).error.message).toMatch(/no `script` entry/);
    const rows = await db.job.findMany({ orderBy: { id: "asc" } });
    expect(rows.map((r) => [r.name, r.nbProc])).toEqual([["first", 3], ["third", 3]]);
    expect(fs.readdirSync(queued).sort()).toEqual(["first", "third"]);
    expect(fs.readdirSync(staging)).toEqual([]);
  });

  it("more than 100 zips in one request, or an overlong field, are refused", async () => {
    const many = new FormData();
    for (let i = 0; i < 101; i++) many.append("file", new Blob([new Uint8Array(jobZip())]), `${i}.zip`);
    await expect(handleSubmitRequest(new Request("http://localhost/api/jobs", { method: "POST", body: many }), null)).rejects.toThrow(/at most 100 files in one request/);
    await expect(post(jobZip(), "job.zip", { info: "x".repeat(20_000) })).rejects.toThrow(/The field info is too long/);
    await expectNothingLeft();
  });

  it("a request without a file says how to send one", async () => {
    const form = new FormData();
    form.append("nb_proc", "2");
    await expect(handleSubmitRequest(new Request("http://localhost/api/jobs", { method: "POST", body: form }), null)).rejects.toThrow(/No file was sent; choose a \.zip of the job folder, or a single script with #QM lines/);
    await expect(handleSubmitRequest(new Request("http://localhost/api/jobs", { method: "POST", body: "{}" }), null)).rejects.toThrow(/multipart\/form-data/);
    await expectNothingLeft();
  });
});
