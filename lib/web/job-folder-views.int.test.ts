/**
 * What the job views show from a job folder, below HTTP: the `=== command:` line of
 * process.log hidden from visitors when Display_details is off (log API, file view,
 * zip), and a QM_FOLDER damaged by a job answered with a clear error, not a 500.
 */
import fs from "node:fs";
import path from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { HIDDEN_COMMAND_LINE } from "../core/command-line-filter";
import { logHeader, runsAsNote } from "../core/job-log";
import { jobZip } from "../server/zip/zip-fixtures";
import { NOTES_NAME } from "../server/jobs/job-zip";
import { planTransition } from "../core/job-lifecycle";
import { basic, basicAs, ctx, db, dir, errorOf, makeJob, qm, req, restartWebServer, routes, store, submitJobZip, unzip, writeConfig } from "./api-test-harness";

const SCRIPT = "python secret_pipeline.py --sample PATIENT-0042";

function logWithHeader(): string {
  const header = logHeader({ jobId: 1, name: "n", host: "lab1", script: SCRIPT, requested: 1, granted: 1, maxNbProcessors: 2, at: new Date(0) });
  return `${header}processing 1 / 2\n${header}processing 2 / 2\n`;
}

describe("Display_details = False hides the command line of process.log from visitors", () => {
  it("in the log API (from any offset), the file view and the zip; the administrator sees it", async () => {
    const { job } = await makeJob("done", { "process.log": logWithHeader() });
    writeConfig({ Display_details: "False" });
    const log = async (query: string, headers: Record<string, string> = {}) =>
      ((await (await routes.log(req(`/api/jobs/${job.id}/log${query}`, { headers }), ctx(job.id))).json()) as { text: string; nextOffset: number });

    const tail = await log("");
    expect(tail.text).toContain("processing 2 / 2");
    expect(tail.text).not.toContain("secret_pipeline");
    expect(tail.text.split(HIDDEN_COMMAND_LINE.trim()).length - 1).toBe(2);
    // An offset chosen inside the command line shows no piece of it.
    const at = logWithHeader().indexOf(SCRIPT);
    for (const offset of [at - 5, at, at + 10, at + SCRIPT.length - 1]) {
      const chunk = await log(`?offset=${offset}`);
      expect(chunk.text, `offset ${offset}`).not.toMatch(/secret|PATIENT|pipeline|0042/);
    }

    const raw = await routes.raw(req(`/api/jobs/${job.id}/files/raw?path=process.log`), ctx(job.id));
    expect(raw.status).toBe(200);
    const rawText = await raw.text();
    expect(rawText).not.toContain("secret_pipeline");
    expect(rawText).toContain("processing 1 / 2");
    const entries = await unzip(Buffer.from(await (await routes.zip(req(`/api/jobs/${job.id}/download`), ctx(job.id))).arrayBuffer()));
    expect(entries.get(`${job.name}/process.log`)).toBe(rawText);

    expect((await log("", basic())).text).toContain(`=== command: ${SCRIPT}`);
    expect(await (await routes.raw(req(`/api/jobs/${job.id}/files/raw?path=process.log`, { headers: basic() }), ctx(job.id))).text()).toBe(logWithHeader());
    writeConfig({ Display_details: "True" });
    expect((await log("")).text).toContain(`=== command: ${SCRIPT}`);
  });
});

describe("Display_details = False hides the account a run runs as", () => {
  it("in the log API, the file view and the zip; the owner and the administrator see it", async () => {
    // Before, "=== runs as ann (uid 1001)" (Run_As: the owner's own account) was served to visitors.
    const header = logHeader({ jobId: 1, name: "n", host: "lab1", script: "sh run.sh", requested: 1, granted: 1, maxNbProcessors: 2, at: new Date(0), notes: [runsAsNote("ann", 1001)] });
    const { job } = await makeJob("done", { "process.log": `${header}fit done\n` });
    writeConfig({ Display_details: "False" });
    const log = ((await (await routes.log(req(`/api/jobs/${job.id}/log`), ctx(job.id))).json()) as { text: string }).text;
    const raw = await (await routes.raw(req(`/api/jobs/${job.id}/files/raw?path=process.log`), ctx(job.id))).text();
    const zipped = (await unzip(Buffer.from(await (await routes.zip(req(`/api/jobs/${job.id}/download`), ctx(job.id))).arrayBuffer()))).get(`${job.name}/process.log`);
    for (const text of [log, raw, zipped]) {
      expect(text).toContain("fit done");
      expect(text).not.toContain("ann (uid 1001)");
    }
    expect(await (await routes.raw(req(`/api/jobs/${job.id}/files/raw?path=process.log`, { headers: basicAs("ann") }), ctx(job.id))).text()).toContain("=== runs as ann (uid 1001)");
    expect(await (await routes.raw(req(`/api/jobs/${job.id}/files/raw?path=process.log`, { headers: basic() }), ctx(job.id))).text()).toContain("=== runs as ann (uid 1001)");
  });
});

describe("a QM_FOLDER damaged by a job", () => {
  const broken: string[] = [];
  function breakFolder(name: string) {
    const full = path.join(qm, name);
    fs.renameSync(full, `${full}.saved`);
    fs.writeFileSync(full, "");
    broken.push(full);
  }
  afterEach(() => {
    for (const full of broken.splice(0)) {
      fs.rmSync(full, { force: true });
      fs.renameSync(`${full}.saved`, full);
    }
  });

  function upload() {
    const form = new FormData();
    form.append("file", new Blob([new Uint8Array(jobZip({ folder: "fresh" }))], { type: "application/zip" }), "fresh.zip");
    return routes.submit(req("/api/jobs", { method: "POST", body: form, headers: { "x-qm-csrf": "anonymous" } }), ctx(0));
  }

  it("`rmdir QM_qJobs; touch QM_qJobs`: uploads and requeues answer 503 saying what is wrong, and nothing is lost", async () => {
    const { job } = await makeJob("done");
    breakFolder("QM_qJobs");
    const res = await upload();
    expect(res.status).toBe(503);
    expect(await errorOf(res)).toMatchObject({ code: "UNAVAILABLE", message: expect.stringMatching(/^QueueManager's folder QM_qJobs \(.*\) is not a folder any more/) });
    expect(await db.job.count({ where: { name: "fresh" } })).toBe(0);
    const requeue = await routes.requeue(req(`/api/jobs/${job.id}/requeue`, { method: "POST", headers: basic() }), ctx(job.id));
    expect(requeue.status).toBe(503);
    expect(await db.job.findUniqueOrThrow({ where: { id: job.id } })).toMatchObject({ state: "done", folder: job.folder });
  });

  it("QM_dJobs or .qm replaced by a file: the job views and a delete answer 503, an upload too", async () => {
    const { job } = await makeJob("done", { "out.txt": "42\n" });
    breakFolder("QM_dJobs");
    for (const [handler, suffix] of [[routes.files, "/files"], [routes.raw, "/files/raw?path=out.txt"], [routes.log, "/log"], [routes.zip, "/download"]] as const) {
      const res = await handler(req(`/api/jobs/${job.id}${suffix}`), ctx(job.id));
      expect(res.status, suffix).toBe(503);
      expect((await errorOf(res)).message).toMatch(/folder QM_dJobs .* is not a folder any more/);
    }
    const del = await routes.del(req(`/api/jobs/${job.id}`, { method: "DELETE", headers: basic() }), ctx(job.id));
    expect(del.status).toBe(503);
    expect((await db.job.findUniqueOrThrow({ where: { id: job.id } })).state).toBe("done");
    breakFolder(".qm");
    expect((await upload()).status).toBe(503);
  });
});

describe("a QM_FOLDER named through a symbolic link (a shared folder, mounted elsewhere on this host)", () => {
  afterEach(() => {
    writeConfig();
    restartWebServer();
  });

  it("takes uploads and shows, requeues and deletes jobs, as the worker runs there", async () => {
    // Found by the PostgreSQL QA: a web server on a second host whose QM_FOLDER reached the
    // shared folder through a link answered every upload and job view with 503 "is not a
    // folder any more: something replaced it", while the worker accepts that path (docs/postgresql.md).
    const link = path.join(dir, "QM-link");
    fs.symlinkSync(qm, link);
    writeConfig({}, { QM_FOLDER: link });
    restartWebServer();
    const id = await submitJobZip("through-link");
    expect(fs.existsSync(path.join(qm, "QM_qJobs", "through-link"))).toBe(true);
    const { job } = await makeJob("done", { "out.txt": "42\n" });
    const raw = await routes.raw(req(`/api/jobs/${job.id}/files/raw?path=out.txt`), ctx(job.id));
    expect(raw.status).toBe(200);
    expect(await raw.text()).toBe("42\n");
    expect((await routes.requeue(req(`/api/jobs/${job.id}/requeue`, { method: "POST", headers: basic() }), ctx(job.id))).status).toBe(200);
    expect((await routes.del(req(`/api/jobs/${id}`, { method: "DELETE", headers: basic() }), ctx(id))).status).toBe(200);
  });
});

describe("a job's folder moving between queues while it is asked for", () => {
  it("the log is read from where the folder went once the row follows, not answered 404", async () => {
    const { job, full } = await makeJob("running", { "process.log": "processing 2 / 2\n" });
    // The worker's end: the folder moves first, the row follows a moment later.
    const ended = `QM_dJobs/2026-11-30T00-00-00Z-${job.name}`;
    fs.renameSync(full, path.join(qm, ended));
    const answer = routes.log(req(`/api/jobs/${job.id}/log`, { headers: basic() }), ctx(job.id));
    await new Promise((resolve) => setTimeout(resolve, 120));
    expect(await store.transition(job.id, planTransition("end", "running", "done", { folder: ended, exitCode: 0, finishedAt: new Date() }))).toBe(true);
    const res = await answer;
    expect(res.status).toBe(200);
    expect(((await res.json()) as { text: string; state: string })).toMatchObject({ text: "processing 2 / 2\n", state: "done" });
  });

  it("a folder that is really gone is still a clear 404", async () => {
    const { job, full } = await makeJob("done", {});
    fs.rmSync(full, { recursive: true });
    const res = await routes.log(req(`/api/jobs/${job.id}/log`, { headers: basic() }), ctx(job.id));
    expect(res.status).toBe(404);
    expect((await errorOf(res)).message).toMatch(/not there any more/);
  });
});

describe("a file whose name is not UTF-8 (Latin-1 from an older system)", () => {
  it("is listed by its Latin-1 reading, marked, and left out of the zip with why; the other files are served", async () => {
    const { job } = await makeJob("done", { "fit.csv": "1,2\n" });
    fs.writeFileSync(Buffer.concat([Buffer.from(`${path.join(qm, job.folder)}/`), Buffer.from("r\xe9sultat.csv", "latin1")]), "3,4\n");
    const listing = (await (await routes.files(req(`/api/jobs/${job.id}/files?path=`), ctx(job.id))).json()) as { entries: Array<{ name: string; path: string; type: string }> };
    expect(listing.entries.find((e) => e.name === "résultat.csv")).toEqual(expect.objectContaining({ path: "r\\xe9sultat.csv", type: "undecodable-name" }));
    expect(listing.entries.find((e) => e.name === "fit.csv")).toEqual(expect.objectContaining({ type: "file" }));
    const entries = await unzip(Buffer.from(await (await routes.zip(req(`/api/jobs/${job.id}/download`), ctx(job.id))).arrayBuffer()));
    expect(entries.get(`${job.name}/fit.csv`)).toBe("1,2\n");
    expect(entries.get(`${job.name}/${NOTES_NAME}`)).toMatch(/^r\uFFFDsultat\.csv: has a name that is not UTF-8 \(rename it on the server to include it\)$/m);
  });
});
