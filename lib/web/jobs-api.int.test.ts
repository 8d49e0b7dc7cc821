/**
 * The jobs API below HTTP: real Requests into the route handlers, a real SQLite file and
 * a temporary QM_FOLDER (lib/web/api-test-harness.ts). Errors, path safety, content types,
 * log offsets, the zip, delete/requeue per docs/protocol.md, lists and their speed.
 */
import fs from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { planTransition } from "../core/job-lifecycle";
import { type Handler, basic, basicAs, ctx, db, dir, errorOf, makeJob, qm, req, routes, secretFile, store, unzip, writeConfig } from "./api-test-harness";

describe("errors have one shape", () => {
  it("a bad id is 400 INVALID_INPUT with details, an unknown one 404", async () => {
    const bad = await routes.job(req("/api/jobs/abc"), ctx("abc"));
    expect(bad.status).toBe(400);
    expect(await errorOf(bad)).toMatchObject({ code: "INVALID_INPUT" });
    const missing = await routes.job(req("/api/jobs/999"), ctx(999));
    expect(missing.status).toBe(404);
    expect((await errorOf(missing)).message).toMatch(/no job 999/);
  });
  it("an id that is not a job id, or past the database's whole numbers, is 400 saying what an id is, never a 500", async () => {
    // 3000000000 is past PostgreSQL's INTEGER: the query failed and the API answered 500.
    for (const id of ["3000000000", "99999999999999999999", "-1", "0", "1e3", "abc"]) {
      const res = await routes.job(req(`/api/jobs/${id}`), ctx(id));
      expect(res.status, id).toBe(400);
      expect((await errorOf(res)).message, id).toBe("the job id must be a whole number from 1 to 2147483647, such as 12");
    }
    const array = await routes.arrayAction(req("/api/arrays/3000000000/hold", { method: "POST", headers: { ...basic(), "x-qm-csrf": "1" } }), { params: Promise.resolve({ id: "3000000000", action: "hold" }) } as never);
    expect(array.status).toBe(400);
    expect((await errorOf(array)).message).toContain("the array id must be a whole number from 1 to 2147483647, such as 12");
  });
  it("a bad list filter names the field", async () => {
    const res = await routes.list(req("/api/jobs?view=nonsense&pageSize=9999"), ctx(0));
    expect(res.status).toBe(400);
    const error = await errorOf(res);
    expect(Object.keys(error.details!)).toEqual(expect.arrayContaining(["view", "pageSize"]));
  });
});

describe("files: every path stays inside the job folder", () => {
  it("rejects .., absolute paths and symlinks leading outside", async () => {
    const { job, full } = await makeJob("done", { "results.txt": "42\n", "sub/deep/a.csv": "x,y\n" });
    fs.symlinkSync(secretFile, path.join(full, "leak.txt"));
    fs.symlinkSync(dir, path.join(full, "outdir"));
    fs.symlinkSync("results.txt", path.join(full, "alias.txt"));
    const get = (handler: Handler, query: string) => handler(req(`/api/jobs/${job.id}/files${handler === routes.raw ? "/raw" : ""}?${query}`), ctx(job.id));
    for (const p of ["../../../secret.txt", "sub/../../x", "..", "/etc/passwd", "%2e%2e/%2e%2e/secret.txt"]) {
      const res = await get(routes.raw, `path=${p}`);
      expect(res.status, p).toBe(400);
    }
    expect((await get(routes.raw, "path=leak.txt")).status).toBe(403);
    expect((await get(routes.raw, "path=outdir/secret.txt")).status).toBe(403);
    expect((await get(routes.files, "path=outdir")).status).toBe(403);
    expect((await get(routes.files, "path=../..")).status).toBe(400);
    const alias = await get(routes.raw, "path=alias.txt");
    expect(alias.status).toBe(200);
    expect(await alias.text()).toBe("42\n");
    const listing = (await (await get(routes.files, "path=")).json()) as { entries: { name: string; type: string; text: boolean }[] };
    expect(listing.entries.map((e) => [e.name, e.type])).toEqual([
      ["sub", "dir"],
      ["alias.txt", "file"],
      ["leak.txt", "outside-link"],
      ["outdir", "outside-link"],
      ["proc_config.cfg", "file"],
      ["results.txt", "file"],
    ]);
    const nested = (await (await get(routes.files, "path=sub/deep")).json()) as { entries: { path: string; text: boolean }[] };
    expect(nested.entries).toEqual([expect.objectContaining({ path: "sub/deep/a.csv", text: true })]);
  });

  it("serves text as text/plain, pictures and PDF with their type, sandboxed; HTML and scripts only as attachments", async () => {
    const { job } = await makeJob("done", {
      "results.txt": "42\n", "page.html": "<script>alert(1)</script>", "app.js": "alert(1)", "plot.svg": "<svg onload='alert(1)'/>", "fit.png": "png", "report.pdf": "%PDF-1.4",
    });
    // Each body is read to its end, which closes the file it streams from.
    const raw = async (p: string, query = "") => {
      const res = await routes.raw(req(`/api/jobs/${job.id}/files/raw?path=${p}${query}`), ctx(job.id));
      await res.arrayBuffer();
      return res;
    };
    const text = await raw("results.txt");
    expect(text.headers.get("content-type")).toBe("text/plain; charset=utf-8");
    expect(text.headers.get("content-disposition")).toMatch(/^inline;/);
    const inline = { "plot.svg": "image/svg+xml", "fit.png": "image/png", "report.pdf": "application/pdf" };
    for (const [p, type] of Object.entries(inline)) {
      const res = await raw(p);
      expect(res.headers.get("content-type")).toBe(type);
      expect(res.headers.get("content-disposition")).toMatch(/^inline;/);
      expect(res.headers.get("content-security-policy")).toMatch(/^sandbox; default-src 'none'; frame-ancestors/);
      expect(res.headers.get("x-frame-options")).toBe(p === "report.pdf" ? "SAMEORIGIN" : "DENY");
    }
    for (const p of ["page.html", "app.js"]) {
      const res = await raw(p);
      expect(res.headers.get("content-type")).toBe("application/octet-stream");
      expect(res.headers.get("content-disposition")).toMatch(/^attachment; filename=/);
      expect(res.headers.get("x-content-type-options")).toBe("nosniff");
      expect(res.headers.get("content-security-policy")).toMatch(/^sandbox/);
    }
    expect((await raw("plot.svg", "&download=1")).headers.get("content-type")).toBe("application/octet-stream");
  });

  it("the log API follows new lines by byte offset and never cuts a line", async () => {
    const { job, full } = await makeJob("running", { "process.log": "processing 1 / 3\nprocessing 2" });
    const log = async (offset?: number) =>
      (await (await routes.log(req(`/api/jobs/${job.id}/log${offset === undefined ? "" : `?offset=${offset}`}`), ctx(job.id))).json()) as { text: string; nextOffset: number };
    const first = await log();
    expect(first.text).toBe("processing 1 / 3\n");
    fs.appendFileSync(path.join(full, "process.log"), " / 3\nprocessing 3 / 3\n");
    const next = await log(first.nextOffset);
    expect(next.text).toBe("processing 2 / 3\nprocessing 3 / 3\n");
    expect((await log(next.nextOffset)).text).toBe("");
  });

  it("the log API serves a progress bar's latest state while it repaints its line with carriage returns", async () => {
    const { job, full } = await makeJob("running", { "process.log": "fitting\r  0%|          | 0/20\r 45%|####      | 9/20 [00:04<00:05]" });
    const log = async (offset?: number) =>
      (await (await routes.log(req(`/api/jobs/${job.id}/log${offset === undefined ? "" : `?offset=${offset}`}`), ctx(job.id))).json()) as { text: string; nextOffset: number };
    const first = await log();
    // Up to the last carriage return: the bar being written stays for the next request.
    expect(first.text).toBe("fitting\r  0%|          | 0/20\r");
    expect(first.nextOffset).toBe(Buffer.byteLength(first.text));
    fs.appendFileSync(path.join(full, "process.log"), "\r 90%|######### | 18/20 [00:09<00:01]\r");
    const next = await log(first.nextOffset);
    expect(next.text).toBe(" 45%|####      | 9/20 [00:04<00:05]\r 90%|######### | 18/20 [00:09<00:01]\r");
    fs.appendFileSync(path.join(full, "process.log"), "100%|##########| 20/20 [00:10<00:00]\r\nfit done: χ² = 1.02\n");
    const last = await log(next.nextOffset);
    expect(last.text).toBe("100%|##########| 20/20 [00:10<00:00]\r\nfit done: χ² = 1.02\n");
    expect(last.nextOffset).toBe(fs.statSync(path.join(full, "process.log")).size);
    expect((await log(last.nextOffset)).text).toBe("");
  });

  it("downloads the whole folder as a zip with every file under the job's name", async () => {
    const { job } = await makeJob("done", { "results.txt": "42\n", "sub/deep/a.csv": "x,y\n" });
    const res = await routes.zip(req(`/api/jobs/${job.id}/download`), ctx(job.id));
    expect(res.headers.get("content-type")).toBe("application/zip");
    const buffer = Buffer.from(await res.arrayBuffer());
    const names = [...(await unzip(buffer)).keys()];
    expect(names).toEqual(expect.arrayContaining([`${job.name}/results.txt`, `${job.name}/sub/deep/a.csv`, `${job.name}/proc_config.cfg`]));
  });
});

describe("delete and requeue follow docs/protocol.md", () => {
  it("deletes a finished job: folder gone, row deleted, then 404", async () => {
    const { job, full } = await makeJob("done");
    const res = await routes.del(req(`/api/jobs/${job.id}`, { method: "DELETE", headers: basic() }), ctx(job.id));
    expect(res.status).toBe(200);
    expect(fs.existsSync(full)).toBe(false);
    expect(fs.readdirSync(path.join(qm, ".qm/trash"))).toEqual([]);
    expect((await db.job.findUniqueOrThrow({ where: { id: job.id } })).state).toBe("deleted");
    expect((await routes.job(req(`/api/jobs/${job.id}`), ctx(job.id))).status).toBe(404);
  });

  it("refuses to delete a running job, and deleting when Delete_Jobs = False", async () => {
    const { job } = await makeJob("running");
    const res = await routes.del(req(`/api/jobs/${job.id}`, { method: "DELETE", headers: basic() }), ctx(job.id));
    expect(res.status).toBe(409);
    expect((await errorOf(res)).message).toMatch(/kill it first/);
    const { job: done } = await makeJob("done");
    // Delete_Jobs = False stops the owner (ann, by the job's e_mail), not the administrator.
    writeConfig({ Delete_Jobs: "False" });
    const refused = await routes.del(req(`/api/jobs/${done.id}`, { method: "DELETE", headers: basicAs("ann") }), ctx(done.id));
    expect(refused.status).toBe(403);
    expect((await errorOf(refused)).message).toMatch(/Delete_Jobs = False/);
    expect((await routes.del(req(`/api/jobs/${done.id}`, { method: "DELETE", headers: basic() }), ctx(done.id))).status).toBe(200);
  });

  it("a kill of a waiting job, queued or held, says to delete it instead", async () => {
    // Seen with qm kill of a held job: "Job 129 is held, not running; only a running job can
    // be killed.", and nothing said how to take it out of the queue (the queued one's did).
    for (const state of ["queued", "held"]) {
      const { job } = await makeJob("queued");
      if (state === "held") await db.job.update({ where: { id: job.id }, data: { state: "held" } });
      const res = await routes.kill(req(`/api/jobs/${job.id}/kill`, { method: "POST", headers: basic() }), ctx(job.id));
      expect(res.status).toBe(409);
      expect((await errorOf(res)).message).toBe(`Job ${job.id} is ${state}, not running; only a running job can be killed (to take a waiting job out of the queue, delete it instead).`);
    }
  });

  it("a queued job the worker has just claimed answers 409 and keeps running", async () => {
    const { job, full } = await makeJob("queued");
    // What the worker does to start it: claim the row, then move the folder.
    await store.transition(job.id, planTransition("start", "queued", "running", { folder: `QM_Jobs/${job.name}`, startedAt: new Date() }), { state: "queued" });
    fs.renameSync(full, path.join(qm, "QM_Jobs", job.name));
    const res = await routes.del(req(`/api/jobs/${job.id}`, { method: "DELETE", headers: basic() }), ctx(job.id));
    expect(res.status).toBe(409);
    expect((await res.json()).error.message).toMatch(/is running; kill it first/);
    expect((await db.job.findUniqueOrThrow({ where: { id: job.id } })).state).toBe("running");
    expect(fs.existsSync(path.join(qm, "QM_Jobs", job.name))).toBe(true);
  });

  it("requeues a failed job: same row queued, results cleared, folder back in QM_qJobs, log kept", async () => {
    const { job, full } = await makeJob("failed", { "process.log": "boom\n" }, { exitCode: 3, finishedAt: new Date(), startedAt: new Date(), progress: 50 });
    const res = await routes.requeue(req(`/api/jobs/${job.id}/requeue`, { method: "POST", headers: basic() }), ctx(job.id));
    expect(res.status).toBe(200);
    const row = await db.job.findUniqueOrThrow({ where: { id: job.id } });
    expect(row).toMatchObject({ state: "queued", folder: `QM_qJobs/${job.name}`, exitCode: null, finishedAt: null, progress: null });
    expect(fs.existsSync(full)).toBe(false);
    expect(fs.readFileSync(path.join(qm, "QM_qJobs", job.name, "process.log"), "utf8")).toBe("boom\n");
    const event = await db.jobEvent.findFirstOrThrow({ where: { jobId: job.id, kind: "requeued" } });
    expect(JSON.parse(event.detail!).previous).toMatchObject({ state: "failed", exitCode: 3 });
    const again = await routes.requeue(req(`/api/jobs/${job.id}/requeue`, { method: "POST", headers: basic() }), ctx(job.id));
    expect(again.status).toBe(409);
  });
});

describe("lists", () => {
  it("pages and filters the finished jobs; queued jobs carry their position", async () => {
    const { job: q1 } = await makeJob("queued", {}, { priority: 0 });
    const { job: q2 } = await makeJob("queued", {}, { priority: 5 });
    const finished: number[] = [];
    for (let i = 0; i < 7; i++) finished.push((await makeJob(i % 2 ? "failed" : "done", {}, { finishedAt: new Date(Date.now() - i * 1000), owner: i < 3 ? "bob@lab.org" : "ann@lab.org" })).job.id);
    const list = async (q: string) => (await (await routes.list(req(`/api/jobs?${q}`), ctx(0))).json()) as { jobs: { id: number; state: string; position?: number }[]; total: number };
    const queued = await list("view=queued");
    expect(queued.jobs.map((j) => [j.id, j.position])).toEqual([[q2.id, 1], [q1.id, 2]]);
    const detail = (await (await routes.job(req(`/api/jobs/${q1.id}`), ctx(q1.id))).json()) as { job: { position: number } };
    expect(detail.job.position).toBe(2);
    const page2 = await list("view=finished&pageSize=3&page=2");
    expect(page2.total).toBe(7);
    expect(page2.jobs).toHaveLength(3);
    expect((await list("view=finished&state=failed")).total).toBe(3);
    expect((await list("view=finished&owner=bob")).total).toBe(3);
    expect((await list("view=finished")).jobs.map((j) => j.id)).toEqual(finished); // newest first
    // Filters ignore case on both databases (PostgreSQL needs ILIKE and mode "insensitive").
    expect((await list("view=finished&owner=BOB")).jobs.map((j) => j.id)).toEqual(finished.slice(0, 3));
    expect((await list(`view=queued&q=${q1.name.toUpperCase()}`)).jobs.map((j) => j.id)).toEqual([q1.id]);
  });

  it("with Display_details = False an owner filter is refused, not ignored, but for the administrator and within one's own jobs", async () => {
    // Before, ?owner=zzzznobody answered every job: `qm ls -o ann --json | ... kill` would act on them all.
    await makeJob("done");
    await makeJob("done", {}, { owner: "bob@lab.org" });
    const list = (q: string, headers: Record<string, string> = {}) => routes.list(req(`/api/jobs?${q}`, { headers }), ctx(0));
    writeConfig({ Display_details: "False" });
    try {
      for (const headers of [{}, basicAs("ann")]) {
        const refused = await list("view=all&owner=zzzznobody", headers);
        expect(refused.status).toBe(403);
        expect(await errorOf(refused)).toMatchObject({
          code: "FORBIDDEN",
          message: "Owner details are hidden on this QueueManager (Display_details = False): the owner filter is for the administrator. List your own jobs with mine=1 (qm ls --mine).",
        });
      }
      const total = async (q: string, headers: Record<string, string>) => ((await (await list(q, headers)).json()) as { total: number }).total;
      expect(await total("view=all&owner=zzzznobody", basic())).toBe(0);
      expect(await total("view=all&owner=bob", basic())).toBe(1);
      // One's own jobs: mine=1 lists them, and may be filtered by their owner fields.
      expect(await total("view=all&mine=1", basicAs("bob"))).toBe(1);
      expect(await total("view=all&mine=1&owner=bob", basicAs("bob"))).toBe(1);
      expect(await total("view=all&mine=1&owner=zzzznobody", basicAs("bob"))).toBe(0);
    } finally {
      writeConfig();
    }
  });

  it("a queued job's position in the list is the job page's: held jobs ahead of it are not counted", async () => {
    // Seen on the dashboard: three held elements first, then a queued job numbered 4 in
    // the Queued panel while its own page said "Queue position 1" (and it was next to run).
    const held: number[] = [];
    for (let i = 0; i < 3; i++) {
      const { job } = await makeJob("queued", {}, { priority: 1 });
      await db.job.update({ where: { id: job.id }, data: { state: "held" } });
      held.push(job.id);
    }
    const { job: a } = await makeJob("queued");
    const { job: b } = await makeJob("queued");
    const list = async (q: string) => (await (await routes.list(req(`/api/jobs?${q}`), ctx(0))).json()) as { jobs: { id: number; position?: number }[] };
    const positionOnPage = async (id: number) => ((await (await routes.job(req(`/api/jobs/${id}`), ctx(id))).json()) as { job: { position?: number } }).job.position;
    expect((await list("view=queued")).jobs.map((j) => [j.id, j.position])).toEqual([...held.map((id) => [id, undefined]), [a.id, 1], [b.id, 2]]);
    expect([await positionOnPage(a.id), await positionOnPage(b.id)]).toEqual([1, 2]);
    // A later page counts the queued jobs of the pages before it, not its rows.
    expect((await list("view=queued&pageSize=2&page=3")).jobs.map((j) => [j.id, j.position])).toEqual([[b.id, 2]]);
    expect((await list("view=queued&pageSize=2&page=2")).jobs.map((j) => [j.id, j.position])).toEqual([[held[2], undefined], [a.id, 1]]);
  });

  it("with fair share on, the queued list and a job's position follow the worker's order: the owner who used less first", async () => {
    // Seen with Fair_Share = True: ann's sweep elements were listed first (position 1, 2...)
    // and bob's later jobs last, while the worker ran bob's first and their reasons said so.
    writeConfig({}, { Fair_Share: "True" });
    await makeJob("done", {}, { owner: "ann@lab.org", cpuSeconds: 500, finishedAt: new Date() });
    await makeJob("done", {}, { owner: "bob@lab.org", cpuSeconds: 10, finishedAt: new Date() });
    const queued = async (owner: string) => (await makeJob("queued", {}, { owner })).job.id;
    const [a1, a2, b1, c1] = [await queued("ann@lab.org"), await queued("ann@lab.org"), await queued("bob@lab.org"), await queued("o'neil@lab.org")];
    const list = async (q: string) => (await (await routes.list(req(`/api/jobs?${q}`), ctx(0))).json()) as { jobs: { id: number; position?: number }[] };
    const positionOnPage = async (id: number) => ((await (await routes.job(req(`/api/jobs/${id}`), ctx(id))).json()) as { job: { position?: number } }).job.position;
    expect((await list("view=queued")).jobs.map((j) => [j.id, j.position])).toEqual([[c1, 1], [b1, 2], [a1, 3], [a2, 4]]);
    expect(await Promise.all([c1, b1, a1, a2].map(positionOnPage))).toEqual([1, 2, 3, 4]);
    expect((await list("view=queued&pageSize=2&page=2")).jobs.map((j) => [j.id, j.position])).toEqual([[a1, 3], [a2, 4]]);
    // Off, the order is priority then submission again.
    writeConfig();
    expect((await list("view=queued")).jobs.map((j) => j.id)).toEqual([a1, a2, b1, c1]);
    expect(await positionOnPage(c1)).toBe(4);
  });

  it("a % or _ in the search is itself, not a wildcard, in the rows and the total alike", async () => {
    const named = async (state: string, name: string) => {
      const { job } = await makeJob(state);
      await db.job.update({ where: { id: job.id }, data: { name } });
      return job.id;
    };
    const percent = await named("done", "yield-50%");
    const underscore = await named("failed", "fit_2");
    const both = await named("done", "fit%_3");
    for (const name of ["yield-50", "fit-2", "fitx2", "plain"]) await named("done", name);
    const queuedUnderscore = await named("queued", "run_1");
    await named("queued", "run-1");
    const found = async (q: string) => {
      const body = (await (await routes.list(req(`/api/jobs?${q}`), ctx(0))).json()) as { jobs: { id: number }[]; total: number };
      expect(body.total, q).toBe(body.jobs.length);
      return body.jobs.map((j) => j.id).sort((a, b) => a - b);
    };
    expect(await found("view=finished&q=%25")).toEqual([percent, both]);
    expect(await found("view=finished&q=_")).toEqual([underscore, both]);
    expect(await found("view=finished&q=%25_")).toEqual([both]);
    expect(await found("view=queued&q=_")).toEqual([queuedUnderscore]);
    expect(await found("view=all&q=_")).toEqual([underscore, both, queuedUnderscore]);
  });

  it("the search ignores the case of accented letters as of ASCII ones, on SQLite and on PostgreSQL with the C locale", async () => {
    const named = async (name: string) => {
      const { job } = await makeJob("done");
      await db.job.update({ where: { id: job.id }, data: { name } });
      return job.id;
    };
    const etude = await named("Étude-RMN");
    const lower = await named("étude-rmn-2");
    const greek = await named("ΔG-fit");
    await named("etude-sans-accent");
    const found = async (q: string) => {
      const body = (await (await routes.list(req(`/api/jobs?view=finished&q=${encodeURIComponent(q)}`), ctx(0))).json()) as { jobs: { id: number }[]; total: number };
      expect(body.total, q).toBe(body.jobs.length);
      return body.jobs.map((j) => j.id).sort((a, b) => a - b);
    };
    for (const q of ["étude-rmn", "ÉTUDE-RMN", "éTuDe"]) expect(await found(q), q).toEqual([etude, lower]);
    expect(await found("δg")).toEqual([greek]);
  });

  it("totals and the status's counts follow each write at once; mine=1 totals only the viewer's jobs", async () => {
    const { job: anns } = await makeJob("done"); // ann@lab.org's, as makeJob makes them
    await makeJob("failed", {}, { owner: "bob@lab.org" });
    await makeJob("done", {}, { owner: " Bob@Lab.org" }); // bob's too, as isOwner reads it (a hand-written e_mail)
    await makeJob("queued");
    const total = async (q: string, headers: Record<string, string> = {}) => ((await (await routes.list(req(`/api/jobs?${q}`, { headers }), ctx(0))).json()) as { total: number }).total;
    const counts = async () => ((await (await routes.status(req("/api/status"), ctx(0))).json()) as { counts: Record<string, number> }).counts;
    const totals = async () => ({
      finished: await total("view=finished"), done: await total("view=finished&state=done"), queued: await total("view=queued"), all: await total("view=all"),
      anns: await total("view=finished&mine=1", basicAs("ann")), bobs: await total("view=finished&mine=1", basicAs("bob")), bobByOwner: await total("view=finished&owner=bob"),
    });
    expect(await counts()).toEqual({ done: 2, failed: 1, queued: 1 });
    expect(await totals()).toEqual({ finished: 3, done: 2, queued: 1, all: 4, anns: 1, bobs: 2, bobByOwner: 2 });
    const del = await routes.del(req(`/api/jobs/${anns.id}`, { method: "DELETE", headers: basic() }), ctx(anns.id));
    expect(del.status).toBe(200);
    expect(await counts()).toEqual({ done: 1, failed: 1, queued: 1 });
    expect(await totals()).toEqual({ finished: 2, done: 1, queued: 1, all: 3, anns: 0, bobs: 2, bobByOwner: 2 });
  });
});
