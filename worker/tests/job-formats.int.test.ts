/**
 * What a job folder may hold, with a real worker, folders, processes and SQLite: either
 * kind of info file, a single script with #QM directives, and a rejected or failed job
 * resubmitted by moving its folder back (or by the web's requeue).
 */
import fs from "node:fs";
import path from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { importHistoryNow } from "../../lib/server/history/history-runs";
import { requeueJob } from "../../lib/server/jobs/requeue-job";
import { createTestEnv, dropJob, type TestEnv, waitFor, waitForJob } from "./helpers";
import { type InProcessWorker, startWorker } from "./in-process";

let env: TestEnv;
let worker: InProcessWorker;
afterEach(async () => {
  await worker?.stop();
  await env?.cleanup();
});

async function setup(keys: Record<string, string | number> = {}) {
  env = await createTestEnv(keys);
  worker = await startWorker(env);
}

/** Build a folder beside QM_FOLDER from `files`, then `mv` it into `queue` (default QM_qJobs). */
function moveIn(name: string, files: Record<string, string>, queue = env.layout.queued): string {
  const dir = path.join(env.dir, "build", name);
  fs.mkdirSync(dir, { recursive: true });
  for (const [file, text] of Object.entries(files)) fs.writeFileSync(path.join(dir, file), text);
  fs.renameSync(dir, path.join(queue, name));
  return path.join(queue, name);
}

const readLog = (folder: string) => fs.readFileSync(path.join(env.layout.root, folder, "process.log"), "utf8");

describe("info files of either kind", () => {
  it("runs a job holding only infos.xml under the default job_file, and says so in process.log", async () => {
    await setup();
    moveIn("xml only", { "infos.xml": '<PARAMETER>\n  <nb_proc value="2"/>\n  <script value="echo NB_PROC=$NB_PROC"/>\n</PARAMETER>\n' });
    const row = await waitForJob(env, "xml only", ["done", "failed", "invalid"]);
    expect(row).toMatchObject({ state: "done", nbProc: 2 });
    const log = readLog(row.folder);
    expect(log).toContain("=== no proc_config.cfg in the job folder: its info file is infos.xml");
    expect(log).toContain("NB_PROC=2");
  });

  it("runs a QM 0.4 infos.xml whose root is not <PARAMETER>, keys nested, as QM 0.4 read it", async () => {
    await setup({ job_file: "infos.xml" });
    const xml = '<?xml version="1.0"?>\n<JOB>\n  <nb_proc value="2"/>\n  <task><script value="echo ran on $NB_PROC"/></task>\n</JOB>\n';
    moveIn("other root", { "infos.xml": xml });
    const row = await waitForJob(env, "other root", ["done", "failed", "invalid"]);
    expect(row).toMatchObject({ state: "done", nbProc: 2 });
    expect(readLog(row.folder)).toContain("ran on 2");
  });

  it("with Strict_Job_File = True rejects it as the original QM did, naming the key", async () => {
    await setup({ Strict_Job_File: "True" });
    moveIn("strict", { "infos.xml": '<PARAMETER><script value="true"/></PARAMETER>' });
    const row = await waitForJob(env, "strict", ["invalid", "done"]);
    expect(row.state).toBe("invalid");
    expect(fs.readFileSync(path.join(env.layout.root, row.folder, "qm-error.txt"), "utf8")).toContain("Strict_Job_File = True");
  });
});

describe("single-script jobs with #QM directives", () => {
  it("runs a folder whose only description is a script's #QM block, with what it asks", async () => {
    await setup();
    moveIn("directives", {
      "run.sh": "#!/bin/sh\n# my analysis\n#QM nb_proc=2\n#QM e_mail : ann@lab.org\n#QM walltime=1:30:00\n#QM mem=4G\n#QM info=an NMR fit\necho NB_PROC=$NB_PROC\n",
      "data.csv": "1,2\n",
    });
    const row = await waitForJob(env, "directives", ["done", "failed", "invalid"]);
    expect(row).toMatchObject({ state: "done", nbProc: 2, owner: "ann@lab.org", info: "an NMR fit", walltimeSeconds: 5400, memMb: 4096, script: "./run.sh" });
    const log = readLog(row.folder);
    expect(log).toContain("=== no info file: the job is run.sh with its #QM directives");
    expect(log).toContain("NB_PROC=2");
    expect(fs.statSync(path.join(env.layout.root, row.folder, "run.sh")).mode & 0o100).toBe(0o100);
  });

  it("runs a script through its shebang (python), one without a shebang with /bin/sh, and a .py without one with python3", async () => {
    await setup();
    moveIn("python", { "fit.py": "#!/usr/bin/env python3\n#QM nb_proc=1\nimport os\nprint('python says', os.environ['NB_PROC'])\n" });
    moveIn("plain sh", { "job.sh": "#QM priority=3\necho \"shell says $0\"\n" });
    // As qm submit runs a lone sweep.py: with #QM lines it must not stop being a Python script.
    moveIn("plain py", { "sweep.py": "#QM walltime=5\nimport sys\nprint('python3 says', sys.argv[0])\n", "notes.txt": "not a script\n" });
    expect(readLog((await waitForJob(env, "python", ["done", "failed"])).folder)).toContain("python says 1");
    const plain = await waitForJob(env, "plain sh", ["done", "failed"]);
    expect(plain).toMatchObject({ state: "done", priority: 3, script: "/bin/sh ./job.sh" });
    expect(readLog(plain.folder)).toContain("shell says ./job.sh");
    const py = await waitForJob(env, "plain py", ["done", "failed"]);
    expect(py).toMatchObject({ state: "done", script: "python3 ./sweep.py", walltimeSeconds: 300 });
    expect(readLog(py.folder)).toContain("python3 says ./sweep.py");
  });

  it("an info file wins: the directives are ignored, with a note in process.log", async () => {
    await setup();
    moveIn("both", { "proc_config.cfg": "[QMOptions]\nscript = sh run.sh\nnb_proc = 1\n", "run.sh": "#QM nb_proc=2\necho NB_PROC=$NB_PROC\n" });
    const row = await waitForJob(env, "both", ["done", "failed"]);
    expect(row.nbProc).toBe(1);
    expect(readLog(row.folder)).toMatch(/=== proc_config\.cfg is present, so the #QM lines in run\.sh are ignored\n[\s\S]*NB_PROC=1/);
  });

  it("rejects a malformed directive with the line and what to write, in qm-error.txt", async () => {
    await setup();
    moveIn("typo", { "run.sh": "#!/bin/sh\n#QM walltime=2 hours\necho\n" });
    const row = await waitForJob(env, "typo", ["invalid", "done"]);
    expect(row.state).toBe("invalid");
    const note = fs.readFileSync(path.join(env.layout.root, row.folder, "qm-error.txt"), "utf8");
    expect(note).toContain("run.sh line 2: walltime must be MM, MM:SS, HH:MM:SS");
  });
});

describe("a queue left by QM 0.4", () => {
  it("runs the folders waiting at the worker's start oldest info file first, as QM 0.4 would have (not by name)", async () => {
    env = await createTestEnv({ MaxNbProcessors: 1, Settle_Time: 0 });
    const days = { alpha: 5, bravo: 3, charlie: 6, delta: 2 };
    for (const [name, day] of Object.entries(days)) {
      const info = path.join(moveIn(name, { "proc_config.cfg": "[QMOptions]\nscript = true\n" }), "proc_config.cfg");
      fs.utimesSync(info, new Date(`2026-11-0${day}T10:00:00Z`), new Date(`2026-11-0${day}T10:00:00Z`));
    }
    worker = await startWorker(env);
    for (const name of Object.keys(days)) await waitForJob(env, name, ["done"]);
    const rows = await env.db.job.findMany({ orderBy: { startedAt: "asc" } });
    expect(rows.map((r) => r.name)).toEqual(["delta", "bravo", "alpha", "charlie"]);
  });
});

describe("resubmitting a job from QM_lost+found", () => {
  it("a rejected folder moved back by hand is taken in under its original name, as the same job, its qm-error.txt set aside", async () => {
    await setup();
    moveIn("fit", { "proc_config.cfg": "[QMOptions]\nnb_proc = 1\n", "run.sh": "echo fitted > result.txt\n" });
    const rejected = await waitForJob(env, "fit", ["invalid"]);
    const lost = path.join(env.layout.root, rejected.folder);
    const stamp = path.basename(lost).slice(0, "2026-11-28T04-36-00Z".length);
    const note = fs.readFileSync(path.join(lost, "qm-error.txt"), "utf8");
    // qm-error.txt tells both ways back.
    expect(note).toContain(`move this folder back into ${env.layout.queued} as it is: it is queued again under its original name`);
    expect(note).toContain("press Requeue on the job's page");

    fs.appendFileSync(path.join(lost, "proc_config.cfg"), "script = sh run.sh\n");
    fs.renameSync(lost, path.join(env.layout.queued, path.basename(lost)));
    const done = await waitFor("the same job done", async () => {
      const row = await env.db.job.findUnique({ where: { id: rejected.id } });
      return row?.state === "done" ? row : null;
    });
    expect(done.folder).toMatch(/^QM_dJobs\/\d{4}-\d\d-\d\dT\d\d-\d\d-\d\dZ-fit$/);
    const dir = path.join(env.layout.root, done.folder);
    expect(fs.readFileSync(path.join(dir, "result.txt"), "utf8")).toBe("fitted\n");
    expect(fs.existsSync(path.join(dir, "qm-error.txt"))).toBe(false);
    expect(fs.readFileSync(path.join(dir, `qm-error-${stamp}.txt`), "utf8")).toBe(note);
    expect(await env.db.job.count()).toBe(1);
    const events = await env.db.jobEvent.findMany({ where: { jobId: rejected.id }, orderBy: { id: "asc" } });
    expect(events.map((e) => e.kind)).toEqual(["invalid", "requeued", "running", "done"]);
    expect(events[1].detail).toContain("moved back into QM_qJobs by hand");
    expect(worker.logs.join("\n")).toContain(`taken back in as fit (job ${rejected.id} requeued)`);
  });

  it("a failed job moved back (no qm-error.txt, but its row names the folder) runs again as the same job", async () => {
    await setup();
    dropJob(env, "flaky", { script: "test -e ok || { touch ok; exit 1; }" });
    const failed = await waitForJob(env, "flaky", ["failed"]);
    fs.renameSync(path.join(env.layout.root, failed.folder), path.join(env.layout.queued, path.basename(failed.folder)));
    const done = await waitFor("flaky done", async () => {
      const row = await env.db.job.findUnique({ where: { id: failed.id } });
      return row?.state === "done" ? row : null;
    });
    expect(done.folder).toMatch(/^QM_dJobs\/[^/]*Z-flaky$/);
    expect(await env.db.job.count()).toBe(1);
  });

  it("a QM 0.4 folder of the imported history moved back runs again as that job, under its name", async () => {
    // It became a new job named "2021-02-16T10:23:45-fit", and the imported one named a folder gone.
    await setup();
    const old = "2021-02-16T10:23:45-fit";
    moveIn(old, { "proc_config.cfg": "[QMOptions]\nscript = echo again\n", "process.log": "Job started by QM at:  2021-02-16T10:18:45\nJob finished at: 2021-02-16T10:23:44 with code 1\n" }, env.layout.done);
    await importHistoryNow(env.db, { store: env.store, layout: env.layout, jobFile: "proc_config.cfg" });
    const imported = await env.db.job.findFirstOrThrow({ where: { folder: `QM_dJobs/${old}` } });
    expect(imported).toMatchObject({ name: "fit", state: "failed" });
    fs.renameSync(path.join(env.layout.done, old), path.join(env.layout.queued, old));
    const done = await waitFor("fit done again", async () => {
      const row = await env.db.job.findUnique({ where: { id: imported.id } });
      return row?.state === "done" ? row : null;
    });
    expect(done.folder).toMatch(/^QM_dJobs\/[^/]*Z-fit$/);
    expect(readLog(done.folder)).toContain("again");
    expect(await env.db.job.count()).toBe(1);
  });

  it("a QM 0.4 folder moved back: its header on a line of its own after QM 0.4's unfinished last line, and only this run's progress counts", async () => {
    await setup({ Failed_Jobs: "QM_dJobs" });
    // QM 0.4 ended its log with "elapsed time" and no line break, after a run that reached 32 / 32.
    const old = "2021-02-16T10:23:45-fit_A";
    moveIn(old, {
      "proc_config.cfg": "[QMOptions]\nscript = echo again; exit 2\n",
      "process.log": "Job started by QM at:  2021-02-16T10:18:45\nprocessing 32 / 32\nJob finished at:  2021-02-16T10:23:45\nelapsed time: 300.0s",
    }, env.layout.done);
    await importHistoryNow(env.db, { store: env.store, layout: env.layout, jobFile: "proc_config.cfg" });
    const imported = await env.db.job.findFirstOrThrow({ where: { folder: `QM_dJobs/${old}` } });
    expect(imported.progress).toBe(100);
    fs.renameSync(path.join(env.layout.done, old), path.join(env.layout.queued, old));
    const ended = await waitFor("fit_A failed this time", async () => {
      const row = await env.db.job.findUnique({ where: { id: imported.id } });
      return row?.state === "failed" ? row : null;
    });
    expect(ended.exitCode).toBe(2);
    expect(ended.progress).toBeNull();
    const log = readLog(ended.folder);
    expect(log).toContain(`elapsed time: 300.0s\n=== QueueManager job ${ended.id} "fit_A" started `);
    expect(log).toMatch(/^again$/m);
  });

  it("a bare QM 0.2 folder of the imported history moved back runs again as that job; a namesake beside it is a new job", async () => {
    // It became a second job, and the imported one named a folder gone ("not there any more").
    await setup();
    moveIn("old_fit", { "proc_config.cfg": "[QMOptions]\nscript = echo again\n", "process.log": "elapsed time: 3.0s\n" }, env.layout.done);
    moveIn("kept", { "proc_config.cfg": "[QMOptions]\nscript = true\n" }, env.layout.done);
    await importHistoryNow(env.db, { store: env.store, layout: env.layout, jobFile: "proc_config.cfg" });
    const imported = await env.db.job.findFirstOrThrow({ where: { folder: "QM_dJobs/old_fit" } });
    fs.renameSync(path.join(env.layout.done, "old_fit"), path.join(env.layout.queued, "old_fit"));
    const again = await waitFor("old_fit run again", async () => {
      const row = await env.db.job.findUnique({ where: { id: imported.id } });
      return row?.state === "done" && row.folder !== "QM_dJobs/old_fit" ? row : null;
    });
    expect(readLog(again.folder)).toContain("again");
    // "kept" is still in QM_dJobs: a folder of that name dropped in is another job.
    moveIn("kept", { "proc_config.cfg": "[QMOptions]\nscript = true\n" });
    const namesake = await waitFor("a new job named kept", () => env.db.job.findFirst({ where: { name: "kept", imported: false, state: "done" } }));
    expect(namesake.folder).toMatch(/^QM_dJobs\/[^/]*Z-kept$/);
    expect(await env.db.job.findFirstOrThrow({ where: { name: "kept", imported: true } })).toMatchObject({ folder: "QM_dJobs/kept" });
    expect(await env.db.job.count()).toBe(3);
  });

  it("a stamped folder with a qm-error.txt but no row (another installation) is a new job under its original name", async () => {
    await setup();
    moveIn("2026-01-02T03-04-05Z-2026-01-01T00-00-00Z-old run", { "proc_config.cfg": "[QMOptions]\nscript = true\n", "qm-error.txt": "old note\n" });
    const row = await waitForJob(env, "old run", ["done", "failed", "invalid"]);
    expect(row.state).toBe("done");
    expect(fs.readFileSync(path.join(env.layout.root, row.folder, "qm-error-2026-01-02T03-04-05Z.txt"), "utf8")).toBe("old note\n");
  });

  it("the web's requeue reads the fixed folder again, so an invalid job becomes runnable", async () => {
    await setup();
    moveIn("fixed on the web", { "proc_config.cfg": "[QMOptions]\nnb_proc = 2\n", "run.sh": "#!/bin/sh\necho NB_PROC=$NB_PROC\n" });
    const rejected = await waitForJob(env, "fixed on the web", ["invalid"]);
    const rule = { jobFile: "proc_config.cfg", strict: false };
    await expect(requeueJob(env.store, env.layout, rejected.id, "admin", rule, null)).rejects.toThrow(/cannot run as it is: proc_config\.cfg has no `script` entry/);
    fs.appendFileSync(path.join(env.layout.root, rejected.folder, "proc_config.cfg"), "script = sh run.sh\n");
    await requeueJob(env.store, env.layout, rejected.id, "admin", rule, null);
    const done = await waitFor("requeued job done", async () => {
      const row = await env.db.job.findUnique({ where: { id: rejected.id } });
      return row?.state === "done" || row?.state === "failed" ? row : null;
    });
    expect(done).toMatchObject({ state: "done", nbProc: 2, script: "sh run.sh" });
    const dir = path.join(env.layout.root, done.folder);
    expect(fs.readFileSync(path.join(dir, "process.log"), "utf8")).toContain("NB_PROC=2");
    expect(fs.readdirSync(dir).filter((f) => f.startsWith("qm-error"))).toEqual([expect.stringMatching(/^qm-error-.*Z\.txt$/)]);
  });
});

describe("a script that fails without saying why", () => {
  it("says in process.log that run.sh has Windows line endings, or is not executable, and what to do", async () => {
    await setup();
    moveIn("crlf", { "proc_config.cfg": "[QMOptions]\nscript = sh run.sh\n", "run.sh": "echo one\r\necho two\r\n" });
    moveIn("not executable", { "proc_config.cfg": "[QMOptions]\nscript = ./run.sh\n", "run.sh": "echo ran\n" });
    moveIn("fine", { "proc_config.cfg": "[QMOptions]\nscript = sh run.sh\n", "run.sh": "echo ran\n" });
    const crlf = readLog((await waitForJob(env, "crlf", ["done", "failed"])).folder);
    expect(crlf).toContain("=== run.sh has Windows line endings (CRLF): the shell reads each line's \\r as part of its command");
    expect(crlf).toContain("dos2unix run.sh");
    const notExecutable = await waitForJob(env, "not executable", ["done", "failed"]);
    expect(notExecutable.state).toBe("failed");
    expect(readLog(notExecutable.folder)).toContain('=== run.sh is not executable, so ./run.sh fails with "Permission denied": make it executable (chmod +x run.sh) or write script = sh run.sh');
    const fine = readLog((await waitForJob(env, "fine", ["done", "failed"])).folder);
    expect(fine).not.toMatch(/line endings|not executable/);
  });
});
