/**
 * The history import against a QM 0.4 tree written as QM 0.4 wrote it (qm04-fixtures.ts),
 * with a real SQLite file: states, durations, owners, the imported mark, lists and
 * statistics, and a second import that adds nothing.
 */
import { execFile } from "node:child_process";
import fs from "node:fs";
import path from "node:path";
import { promisify } from "node:util";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { folderStamp } from "../../core/job-log";
import { describingFileOfNotes } from "../job-folder";
import { findJobs } from "../jobs/find-jobs";
import { getJobStats } from "../stats/get-job-stats";
import { createTestEnv, type TestEnv } from "../../../worker/tests/helpers";
import { importHistoryAtFirstStart, importHistoryNow, lastImport } from "./history-runs";
import { projectRoot } from "../bootstrap";
import { QM04_JOBS, writeQm04Tree } from "./qm04-fixtures";

let env: TestEnv;
beforeEach(async () => {
  env = await createTestEnv();
});
afterEach(async () => env.cleanup());

const deps = () => ({ store: env.store, layout: env.layout, jobFile: "proc_config.cfg" });

describe("history import of a QM 0.4 installation", () => {
  it("imports every finished folder with its state, duration and owner, marked imported", async () => {
    writeQm04Tree(env.layout.root);
    const report = await importHistoryNow(env.db, deps());
    expect(report).toMatchObject({ imported: QM04_JOBS.length, known: 0, problems: [] });

    for (const fixture of QM04_JOBS) {
      const job = await env.db.job.findFirstOrThrow({ where: { folder: `${fixture.queue}/${fixture.folder}` }, include: { events: true } });
      const { expect: want } = fixture;
      expect({ name: job.name, state: job.state, owner: job.owner, exitCode: job.exitCode }, fixture.folder).toEqual({ name: want.name, state: want.state, owner: want.owner, exitCode: want.exitCode });
      const durationS = job.startedAt && job.finishedAt ? (job.finishedAt.getTime() - job.startedAt.getTime()) / 1000 : null;
      expect(durationS, `${fixture.folder} duration`).toBe(want.durationS);
      expect(job).toMatchObject({ imported: true, source: "import", userId: null, notes: null });
      expect(job.events.map((e) => e.kind)).toEqual(["imported"]);
    }
    const fit = await env.db.job.findFirstOrThrow({ where: { name: "nmr_fit" } });
    expect(fit.finishedAt).toEqual(new Date("2021-02-16T10:23:45"));
    expect(fit).toMatchObject({ nbProc: 4, info: "fit of the NMR series", script: "python fit.py", progress: 100 });
    expect(fit.submittedAt.getTime()).toBe(new Date("2021-02-15T10:23:45").getTime()); // the info file's time
    // A job that did not finish keeps how far it got (processing 3 / 10).
    expect(await env.db.job.findFirstOrThrow({ where: { name: "crashed_job" } })).toMatchObject({ state: "lost", progress: 30 });
    // Folders stay where they were.
    expect(fs.existsSync(path.join(env.layout.done, "2021-02-16T10:23:45-nmr_fit", "process.log"))).toBe(true);
  });

  it("a second import adds nothing; a folder copied in later is added", async () => {
    writeQm04Tree(env.layout.root);
    await importHistoryNow(env.db, deps());
    const again = await importHistoryNow(env.db, deps());
    expect(again).toMatchObject({ imported: 0, known: QM04_JOBS.length });
    writeQm04Tree(env.layout.root, [{ ...QM04_JOBS[0], folder: "2021-03-01T09:00:00-late_copy" }]);
    expect(await importHistoryNow(env.db, deps())).toMatchObject({ imported: 1, known: QM04_JOBS.length });
    expect(await env.db.job.count()).toBe(QM04_JOBS.length + 1);
  });

  it("runs at the first start only", async () => {
    writeQm04Tree(env.layout.root);
    expect(await importHistoryAtFirstStart(env.db, deps())).toMatchObject({ imported: QM04_JOBS.length });
    writeQm04Tree(env.layout.root, [{ ...QM04_JOBS[0], folder: "2021-03-01T09:00:00-later" }]);
    expect(await importHistoryAtFirstStart(env.db, deps())).toBeNull();
  });

  it("two programs starting at once on a new database (web and worker services) import the history once", async () => {
    // Found by the PostgreSQL QA: two prepare() at once (as qm-web and qm-worker start at
    // boot, or the web and worker hosts after a switch) each imported every folder: 29 rows for 16 folders.
    const many = Array.from({ length: 300 }, (_, i) => ({ ...QM04_JOBS[0], folder: `2021-03-01T09:00:00-run_${i}` }));
    writeQm04Tree(env.layout.root, many);
    const script = `const { prepare } = await import(${JSON.stringify(path.join(projectRoot, "lib/server/bootstrap.ts"))}); await prepare();`;
    const start = () =>
      promisify(execFile)(process.execPath, ["--import", "tsx", "--input-type=module", "-e", script], {
        cwd: projectRoot,
        env: { ...process.env, QM_CONFIG: env.configPath, QM_DATA: env.dir, DATABASE_URL: env.databaseUrl, QM_SKIP_MIGRATE: "", QM_ADMIN_PASSWORD: "" },
      });
    await Promise.all([start(), start()]);
    expect(await env.db.job.count()).toBe(many.length);
    expect(await lastImport(env.db)).toMatchObject({ imported: many.length });
  }, 60_000);

  it("appears in the finished list and in the statistics", async () => {
    writeQm04Tree(env.layout.root);
    await importHistoryNow(env.db, deps());
    const page = await findJobs(env.db, { view: "finished", page: 1, pageSize: 50 }, { showDetails: true });
    expect(page.total).toBe(QM04_JOBS.length);
    expect(page.jobs.every((j) => j.imported)).toBe(true);
    const stats = await getJobStats(env.db, { days: 30 });
    const ann = stats.owners.find((o) => o.owner === "ann@lab.org")!;
    expect(ann).toMatchObject({ jobs: 3, done: 2, failures: 1 });
    expect(ann.wallSeconds).toBe(310); // nmr_fit 300 s + failed_fork 10 s; async_job has no duration
    expect(stats.owners.find((o) => o.owner === "bob@lab.org")).toMatchObject({ jobs: 2, failures: 2, wallSeconds: 3642 });
  });

  it("reads the other kind of info file of a folder from before job_file was changed (infos.xml, job_file = proc_config.cfg)", async () => {
    const dir = path.join(env.layout.done, "2021-01-10T09:00:00-xml_era");
    fs.mkdirSync(dir, { recursive: true });
    fs.writeFileSync(path.join(dir, "infos.xml"), '<PARAMETER>\n  <nb_proc value="3"/>\n  <e-mail value="bob@lab.org"/>\n  <script value="python old.py"/>\n  <info value="from the XML days"/>\n</PARAMETER>\n');
    expect(await importHistoryNow(env.db, deps())).toMatchObject({ imported: 1, problems: [] });
    const job = await env.db.job.findFirstOrThrow({ where: { name: "xml_era" }, include: { events: true } });
    expect(job).toMatchObject({ owner: "bob@lab.org", info: "from the XML days", script: "python old.py", nbProc: 3 });
    expect(job.events[0].detail).toBe("imported from QM_dJobs/2021-01-10T09:00:00-xml_era");
    // The row says which file described it, so that the web hides infos.xml with the job's
    // details (Display_details = False), as it does for a job the queue itself read so.
    expect(describingFileOfNotes(JSON.parse(job.notes ?? "[]") as string[])).toBe("infos.xml");
  });

  it("renames a folder whose name is Latin-1 (as Python 2 left it) to its Latin-1 reading and imports it; one still being written is reported", async () => {
    const name = Buffer.from("2019-03-03T09:00:00-donn\xe9es", "latin1");
    const dir = Buffer.concat([Buffer.from(`${env.layout.done}/`), name]);
    fs.mkdirSync(dir);
    fs.writeFileSync(Buffer.concat([dir, Buffer.from("/proc_config.cfg")]), "[QMOptions]\nscript = sh run.sh\n");
    // Just written: it could be a copy in progress, so it is left alone and reported, and the import goes on.
    const early = await importHistoryNow(env.db, deps());
    expect(early).toMatchObject({ imported: 0, problems: ["QM_dJobs/2019-03-03T09:00:00-donn\\xe9es: its name is not UTF-8 and it is still being written; it is renamed and imported once it has not changed for 10 s (import again then)"] });
    const report = await importHistoryNow(env.db, { ...deps(), now: new Date(Date.now() + 20_000) });
    expect(report).toMatchObject({ imported: 1, problems: [], renamed: ["QM_dJobs/2019-03-03T09:00:00-donn\\xe9es -> QM_dJobs/2019-03-03T09:00:00-données"] });
    expect(await env.db.job.findFirstOrThrow({ where: { name: "données" } })).toMatchObject({ folder: "QM_dJobs/2019-03-03T09:00:00-données", script: "sh run.sh" });
  });

  it("reads info files written in Latin-1, as Python 2 wrote them", async () => {
    const xml = path.join(env.layout.done, "2019-03-01T09:00:00-latin_xml");
    const cfg = path.join(env.layout.done, "2019-03-02T09:00:00-latin_cfg");
    for (const dir of [xml, cfg]) fs.mkdirSync(dir, { recursive: true });
    fs.writeFileSync(path.join(xml, "infos.xml"), Buffer.from('<?xml version="1.0" encoding="ISO-8859-1"?>\n<PARAMETER>\n  <script value="sh run.sh"/>\n  <info value="café à 20°C"/>\n</PARAMETER>\n', "latin1"));
    fs.writeFileSync(path.join(cfg, "proc_config.cfg"), Buffer.from("[QMOptions]\nscript = sh run.sh\ninfo = spectre de l'échantillon\n", "latin1"));
    expect(await importHistoryNow(env.db, deps())).toMatchObject({ imported: 2, problems: [] });
    expect(await env.db.job.findFirstOrThrow({ where: { name: "latin_xml" } })).toMatchObject({ info: "café à 20°C" });
    expect(await env.db.job.findFirstOrThrow({ where: { name: "latin_cfg" } })).toMatchObject({ info: "spectre de l'échantillon" });
  });

  it("at the first start on a new database (moved from SQLite), imports the folders our worker moved in the last minute too", async () => {
    // Found by the PostgreSQL QA: pause, let the last job end, switch DATABASE_URL, start:
    // the jobs that ended in the last minute were counted "waiting" and never imported.
    const now = new Date();
    const fresh = `${folderStamp(new Date(now.getTime() - 5_000))}-last_job`;
    fs.mkdirSync(path.join(env.layout.done, fresh));
    fs.writeFileSync(path.join(env.layout.done, fresh, "process.log"), `=== QueueManager job 3 "last_job" started ${new Date(now.getTime() - 8_000).toISOString()} on host\n=== QueueManager job 3 ended ${new Date(now.getTime() - 5_000).toISOString()}: exit code 0, duration 3 s, state done\n`);
    const report = await importHistoryAtFirstStart(env.db, { ...deps(), now });
    expect(report).toMatchObject({ imported: 1, waiting: 0 });
    expect(await env.db.job.findFirstOrThrow({ where: { imported: true } })).toMatchObject({ name: "last_job", state: "done", folder: `QM_dJobs/${fresh}` });
  });

  it("at a first start on a database that has jobs, still leaves a folder of the last minute to the worker", async () => {
    await env.db.job.create({ data: { name: "running", script: "sh run.sh", state: "running", folder: "QM_Jobs/running", source: "folder" } });
    const fresh = `${folderStamp(new Date(Date.now() - 5_000))}-just_finished`;
    fs.mkdirSync(path.join(env.layout.done, fresh));
    expect(await importHistoryAtFirstStart(env.db, deps())).toMatchObject({ imported: 0, waiting: 1 });
  });

  it("leaves alone a folder the worker has just moved, and imports our own older ones", async () => {
    const now = new Date();
    const fresh = `${folderStamp(new Date(now.getTime() - 5_000))}-just_finished`;
    const old = `${folderStamp(new Date(now.getTime() - 3_600_000))}-from_before`;
    for (const name of [fresh, old]) {
      fs.mkdirSync(path.join(env.layout.done, name));
      fs.writeFileSync(path.join(env.layout.done, name, "process.log"), `=== QueueManager job 3 "x" started ${new Date(now.getTime() - 3_700_000).toISOString()} on host\n=== QueueManager job 3 ended ${new Date(now.getTime() - 3_600_000).toISOString()}: exit code 0, duration 1 min 40 s, state done\n`);
    }
    const report = await importHistoryNow(env.db, { ...deps(), now });
    expect(report).toMatchObject({ imported: 1, known: 0, waiting: 1 }); // the page says it waits: not imported, not known
    const job = await env.db.job.findFirstOrThrow({ where: { imported: true } });
    expect(job).toMatchObject({ name: "from_before", state: "done", exitCode: 0, folder: `QM_dJobs/${old}` });
    expect(job.finishedAt!.getTime() - job.startedAt!.getTime()).toBe(100_000);
  });
});
