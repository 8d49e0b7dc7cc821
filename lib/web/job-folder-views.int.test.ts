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
import { RAW_QUERY_HEADER } from "./raw-query";
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

describe("Display_details = False and progress bars that repaint their line", () => {
  it("a visitor follows the bar from one carriage return to the next, and sees no piece of a command line cut by one", async () => {
    const header = logHeader({ jobId: 1, name: "n", host: "lab1", script: "python fit.py\r--sample PATIENT-0042", requested: 1, granted: 1, maxNbProcessors: 2, at: new Date(0) });
    const text = `${header} 10%|#         | 2/20\r 45%|####      | 9/20\r`;
    const { job } = await makeJob("running", { "process.log": text });
    writeConfig({ Display_details: "False" });
    try {
      const log = async (offset: number) => ((await (await routes.log(req(`/api/jobs/${job.id}/log?offset=${offset}`), ctx(job.id))).json()) as { text: string; nextOffset: number });
      const all = await log(0);
      expect(all.text).not.toMatch(/PATIENT|sample/);
      expect(all.text).toContain(" 45%|####      | 9/20\r");
      // Following from just after the first bar state: the next one.
      const bar = Buffer.byteLength(text) - Buffer.byteLength(" 45%|####      | 9/20\r");
      expect((await log(bar)).text).toBe(" 45%|####      | 9/20\r");
      // From just after the carriage return inside the command line: nothing of it.
      const inCommand = Buffer.byteLength(header.slice(0, header.indexOf("--sample")));
      const chunk = await log(inCommand);
      expect(chunk.text).not.toMatch(/PATIENT|sample/);
      expect(chunk.text).toContain("=== processors");
    } finally {
      writeConfig({ Display_details: "True" });
    }
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
  const latin1 = (text: string) => Buffer.from(text, "latin1");
  const at = (folder: string, ...names: Buffer[]) => Buffer.concat([Buffer.from(path.join(qm, folder)), ...names.flatMap((n) => [Buffer.from("/"), n])]);
  const textRoute = async () => (await import(/* @vite-ignore */ path.join(process.cwd(), "app/api/jobs/[id]/files/text/route.ts"))).GET as typeof routes.raw;

  it("is listed by its Latin-1 reading and served by its exact bytes: viewed, downloaded, listed inside, zipped", async () => {
    const { job } = await makeJob("done", { "fit.csv": "1,2\n" });
    fs.writeFileSync(at(job.folder, latin1("r\xe9sultat.csv")), "3,4\n");
    fs.mkdirSync(at(job.folder, latin1("donn\xe9es")));
    fs.writeFileSync(at(job.folder, latin1("donn\xe9es"), latin1("\xe9t\xe9.txt")), "summer\n");
    // The same name in UTF-8 beside it: another file, never mistaken for it.
    fs.writeFileSync(path.join(qm, job.folder, "résultat.csv"), "utf-8 one\n");
    type Listing = { entries: Array<{ name: string; path: string; type: string; size: number; notUtf8?: true }> };
    const list = async (query: string) => (await (await routes.files(req(`/api/jobs/${job.id}/files?path=${query}`), ctx(job.id))).json()) as Listing;

    const top = await list("");
    const file = top.entries.find((e) => e.notUtf8 && e.type === "file")!;
    expect(file).toEqual(expect.objectContaining({ name: "résultat.csv", path: "r\udce9sultat.csv", size: 4 }));
    expect(top.entries.find((e) => e.path === "résultat.csv")).toEqual(expect.objectContaining({ type: "file", size: 10 }));
    expect(top.entries.find((e) => e.path === "résultat.csv")!.notUtf8).toBeUndefined();
    expect(top.entries.find((e) => e.notUtf8 && e.type === "dir")).toEqual(expect.objectContaining({ name: "données", path: "donn\udce9es" }));

    // A URL carries the bytes percent-encoded, as the page's links do (lib/client/file-urls.ts).
    const raw = await routes.raw(req(`/api/jobs/${job.id}/files/raw?path=r%E9sultat.csv&download=1`), ctx(job.id));
    expect(raw.status).toBe(200);
    expect(await raw.text()).toBe("3,4\n");
    expect(raw.headers.get("content-disposition")).toBe(`attachment; filename="r_sultat.csv"; filename*=UTF-8''r%C3%A9sultat.csv`);
    expect(await (await routes.raw(req(`/api/jobs/${job.id}/files/raw?path=r%C3%A9sultat.csv`), ctx(job.id))).text()).toBe("utf-8 one\n");
    // As Next hands it over: the URL's query rebuilt with U+FFFD, the query as sent in RAW_QUERY_HEADER (scripts/web-server.ts).
    const viaNext = req(`/api/jobs/${job.id}/files/raw?path=r%EF%BF%BDsultat.csv`, { headers: { [RAW_QUERY_HEADER]: "?path=r%E9sultat.csv" } });
    expect(await (await routes.raw(viaNext, ctx(job.id))).text()).toBe("3,4\n");
    const text = await textRoute();
    expect(await (await text(req(`/api/jobs/${job.id}/files/text?path=donn%E9es/%E9t%E9.txt`), ctx(job.id))).json()).toMatchObject({ text: "summer\n" });
    expect((await list("donn%E9es")).entries).toEqual([expect.objectContaining({ name: "été.txt", path: "donn\udce9es/\udce9t\udce9.txt", type: "file", notUtf8: true })]);

    const entries = await unzip(Buffer.from(await (await routes.zip(req(`/api/jobs/${job.id}/download`), ctx(job.id))).arrayBuffer()));
    expect(entries.get(`${job.name}/fit.csv`)).toBe("1,2\n");
    expect(entries.get(`${job.name}/données/été.txt`)).toBe("summer\n");
    expect(entries.get(`${job.name}/${NOTES_NAME}`)).toContain("These names are not UTF-8 (from an older system); they are in this zip under their Latin-1 reading:\n\ndonn\\xe9es -> données\n");
    // "résultat.csv" in UTF-8 is there too: the Latin-1 one goes in beside it, never over it.
    expect(entries.get(`${job.name}/résultat.csv`)).toBe("utf-8 one\n");
    expect(entries.get(`${job.name}/résultat.csv-2`)).toBe("3,4\n");
    expect(entries.get(`${job.name}/${NOTES_NAME}`)).toContain("r\\xe9sultat.csv -> résultat.csv-2");
    expect(entries.get(`${job.name}/${NOTES_NAME}`)).not.toContain("are not in this zip");
  });

  it("keeps the job folder's walls: no .. in bytes, no link out, nothing of another job", async () => {
    const { job } = await makeJob("done", { "fit.csv": "1,2\n" });
    const other = await makeJob("done", {});
    fs.writeFileSync(at(other.job.folder, latin1("s\xe9cret.txt")), "theirs\n");
    fs.symlinkSync(path.join(dir, "secret.txt"), at(job.folder, latin1("lien\xe9")));
    fs.mkdirSync(at(job.folder, latin1("d\xe9p\xf4t")));
    fs.symlinkSync(path.join(qm, other.job.folder), at(job.folder, latin1("d\xe9p\xf4t"), latin1("autre\xe9")));
    const status = async (query: string) => {
      const res = await routes.raw(req(`/api/jobs/${job.id}/files/raw?path=${query}`), ctx(job.id));
      return { status: res.status, body: res.status === 200 ? await res.text() : (await errorOf(res)).message };
    };
    expect(await status("lien%E9")).toMatchObject({ status: 403, body: expect.stringContaining('"lien\u00e9" is a link pointing outside the job folder') });
    expect((await status(`..%2F${encodeURIComponent(path.basename(other.job.folder))}%2Fs%E9cret.txt`)).status).toBe(400);
    expect((await status("d%E9p%F4t/autre%E9/s%E9cret.txt")).status).toBe(403);
    // An overlong "/" (C0 AF) is one byte pair of a name, never a separator.
    expect((await status("%C0%AF..%C0%AF..%C0%AFsecret.txt")).status).toBe(404);
    const listing = (await (await routes.files(req(`/api/jobs/${job.id}/files?path=`), ctx(job.id))).json()) as { entries: Array<{ name: string; type: string }> };
    expect(listing.entries.find((e) => e.name === "liené")).toEqual(expect.objectContaining({ type: "outside-link" }));
  });
});
