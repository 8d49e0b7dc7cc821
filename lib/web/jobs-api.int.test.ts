/**
 * The jobs and auth API below HTTP: real Requests into the route handlers, a real SQLite
 * file and a temporary QM_FOLDER. Error cases, access control, CSRF, path safety.
 */
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import yauzl from "yauzl";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { applyMigrations } from "../../prisma/tools/schema-engine";
import { type Db, createDb } from "../server/db";
import { hashPassword } from "../server/password";

const root = path.resolve(import.meta.dirname, "../..");
const dir = fs.mkdtempSync(path.join(os.tmpdir(), "qm-api-"));
const qm = path.join(dir, "QM");
const cfgPath = path.join(dir, "QMserv.cfg");
const secretFile = path.join(dir, "secret.txt");
const BASE = "http://127.0.0.1:8000";
const PASSWORD = "correct horse battery";
let db: Db;
let ip = 0;

type Handler = (request: Request, context: { params: Promise<{ id: string }> }) => Promise<Response>;
let routes: {
  list: Handler; job: Handler; del: Handler; kill: Handler; requeue: Handler; files: Handler; raw: Handler; log: Handler; zip: Handler;
  login: Handler; session: Handler; status: Handler; setup: Handler; logout: Handler;
};

function writeConfig(web: Record<string, string> = {}) {
  const lines = Object.entries({ Host: "127.0.0.1", Licence_to_kill: "True", Delete_Jobs: "True", ...web }).map(([k, v]) => `${k} = ${v}`);
  fs.writeFileSync(cfgPath, `[QMServer]\nQM_FOLDER = ${qm}\n\n[WEB_QMserver]\n${lines.join("\n")}\n`);
  const t = new Date(Date.now() + ++ip * 1000);
  fs.utimesSync(cfgPath, t, t); // the web context re-reads QMserv.cfg when its mtime changes
}

beforeAll(async () => {
  writeConfig();
  const url = `file:${path.join(dir, "qm.db")}`;
  await applyMigrations(root, url);
  Object.assign(process.env, { QM_CONFIG: cfgPath, QM_DATA: dir, DATABASE_URL: url });
  db = createDb(url);
  await db.admin.create({ data: { username: "admin", passwordHash: await hashPassword(PASSWORD) } });
  fs.writeFileSync(secretFile, "top secret\n");
  for (const d of ["QM_qJobs", "QM_Jobs", "QM_dJobs", "QM_lost+found", ".qm/staging"]) fs.mkdirSync(path.join(qm, d), { recursive: true });
  const m = (p: string) => import(/* @vite-ignore */ p);
  const r = (p: string) => m(path.join(root, "app/api", p, "route.ts"));
  const [list, one, kill, requeue, files, raw, log, zip, login, session, status, setup, logout] = await Promise.all(
    ["jobs", "jobs/[id]", "jobs/[id]/kill", "jobs/[id]/requeue", "jobs/[id]/files", "jobs/[id]/files/raw", "jobs/[id]/log", "jobs/[id]/download", "auth/login", "auth/session", "status", "auth/setup", "auth/logout"].map(r),
  );
  routes = { list: list.GET, job: one.GET, del: one.DELETE, kill: kill.POST, requeue: requeue.POST, files: files.GET, raw: raw.GET, log: log.GET, zip: zip.GET, login: login.POST, session: session.GET, status: status.GET, setup: setup.POST, logout: logout.POST };
});

afterAll(async () => {
  await db.$disconnect();
  fs.rmSync(dir, { recursive: true, force: true });
});

beforeEach(async () => {
  writeConfig();
  await db.job.deleteMany();
});

const ctx = (id: number | string) => ({ params: Promise.resolve({ id: String(id) }) });
const basic = (password = PASSWORD) => ({ authorization: `Basic ${Buffer.from(`admin:${password}`).toString("base64")}` });
const req = (url: string, init: RequestInit & { headers?: Record<string, string> } = {}) =>
  new Request(`${BASE}${url}`, { ...init, headers: { host: "127.0.0.1:8000", "x-forwarded-for": `10.0.0.${ip}`, ...init.headers } });

async function makeJob(state: string, files: Record<string, string> = {}, extra: Record<string, unknown> = {}) {
  const queue = { queued: "QM_qJobs", running: "QM_Jobs", done: "QM_dJobs" }[state] ?? "QM_lost+found";
  const name = `job-${Math.random().toString(36).slice(2, 8)}`;
  const folder = `${queue}/${state === "queued" || state === "running" ? name : `2026-11-28T04-00-00Z-${name}`}`;
  const full = path.join(qm, folder);
  fs.mkdirSync(full, { recursive: true });
  for (const [f, content] of Object.entries({ "proc_config.cfg": "[QMOptions]\nscript = sh run.sh\n", ...files })) {
    fs.mkdirSync(path.dirname(path.join(full, f)), { recursive: true });
    fs.writeFileSync(path.join(full, f), content);
  }
  const job = await db.job.create({
    data: { name, owner: "ann@lab.org", info: "nmr fit", script: "sh run.sh", state, folder, source: "folder", params: JSON.stringify({ script: "sh run.sh", e_mail: "ann@lab.org", custom: "42" }), ...extra },
  });
  return { job, full };
}

async function login(): Promise<{ cookie: string; csrf: string }> {
  const res = await routes.login(req("/api/auth/login", { method: "POST", body: JSON.stringify({ username: "admin", password: PASSWORD }), headers: { origin: BASE, "content-type": "application/json" } }), ctx(0));
  expect(res.status).toBe(200);
  const cookie = res.headers.get("set-cookie")!;
  expect(cookie).toMatch(/^qm_session=[^;]+; Path=\/; HttpOnly; SameSite=Lax/);
  return { cookie: cookie.split(";")[0], csrf: ((await res.json()) as { csrfToken: string }).csrfToken };
}

const errorOf = async (res: Response) => ((await res.json()) as { error: { code: string; message: string; details?: Record<string, string> } }).error;

describe("errors have one shape", () => {
  it("a bad id is 400 INVALID_INPUT with details, an unknown one 404", async () => {
    const bad = await routes.job(req("/api/jobs/abc"), ctx("abc"));
    expect(bad.status).toBe(400);
    expect(await errorOf(bad)).toMatchObject({ code: "INVALID_INPUT" });
    const missing = await routes.job(req("/api/jobs/999"), ctx(999));
    expect(missing.status).toBe(404);
    expect((await errorOf(missing)).message).toMatch(/no job 999/);
  });
  it("a bad list filter names the field", async () => {
    const res = await routes.list(req("/api/jobs?view=nonsense&pageSize=9999"), ctx(0));
    expect(res.status).toBe(400);
    const error = await errorOf(res);
    expect(Object.keys(error.details!)).toEqual(expect.arrayContaining(["view", "pageSize"]));
  });
});

describe("access control", () => {
  it("kill needs the admin: 401 anonymous, 403 without CSRF or from another origin, 202 with session+CSRF", async () => {
    const { job } = await makeJob("running");
    const anon = await routes.kill(req(`/api/jobs/${job.id}/kill`, { method: "POST", headers: { "x-qm-csrf": "anonymous" } }), ctx(job.id));
    expect(anon.status).toBe(401);
    const { cookie, csrf } = await login();
    const noCsrf = await routes.kill(req(`/api/jobs/${job.id}/kill`, { method: "POST", headers: { cookie } }), ctx(job.id));
    expect(noCsrf.status).toBe(403);
    const wrongCsrf = await routes.kill(req(`/api/jobs/${job.id}/kill`, { method: "POST", headers: { cookie, "x-qm-csrf": "guess" } }), ctx(job.id));
    expect(wrongCsrf.status).toBe(403);
    const crossSite = await routes.kill(req(`/api/jobs/${job.id}/kill`, { method: "POST", headers: { cookie, "x-qm-csrf": csrf, origin: "http://evil.example" } }), ctx(job.id));
    expect(crossSite.status).toBe(403);
    expect((await db.job.findUniqueOrThrow({ where: { id: job.id } })).killRequestedAt).toBeNull();
    const ok = await routes.kill(req(`/api/jobs/${job.id}/kill`, { method: "POST", headers: { cookie, "x-qm-csrf": csrf, origin: BASE } }), ctx(job.id));
    expect(ok.status).toBe(202);
    expect((await db.job.findUniqueOrThrow({ where: { id: job.id } })).killRequestedAt).not.toBeNull();
    expect(await db.jobEvent.count({ where: { jobId: job.id, kind: "kill-requested" } })).toBe(1);
    expect(fs.existsSync(path.join(qm, ".qm/wake"))).toBe(true);
  });

  it("HTTP Basic works for scripts without CSRF; a wrong password is 401 without a challenge", async () => {
    const { job } = await makeJob("running");
    const wrong = await routes.kill(req(`/api/jobs/${job.id}/kill`, { method: "POST", headers: basic("nope") }), ctx(job.id));
    expect(wrong.status).toBe(401);
    expect(wrong.headers.get("www-authenticate")).toBeNull();
    const ok = await routes.kill(req(`/api/jobs/${job.id}/kill`, { method: "POST", headers: basic() }), ctx(job.id));
    expect(ok.status).toBe(202);
  });

  it("Licence_to_kill = False forbids killing; killing a queued job is INVALID_STATE", async () => {
    const { job } = await makeJob("running");
    writeConfig({ Licence_to_kill: "False" });
    expect((await routes.kill(req(`/api/jobs/${job.id}/kill`, { method: "POST", headers: basic() }), ctx(job.id))).status).toBe(403);
    writeConfig();
    const { job: queued } = await makeJob("queued");
    const res = await routes.kill(req(`/api/jobs/${queued.id}/kill`, { method: "POST", headers: basic() }), ctx(queued.id));
    expect(res.status).toBe(409);
    expect(await errorOf(res)).toMatchObject({ code: "INVALID_STATE" });
  });

  it("Require_Login = yes closes viewing to anonymous visitors", async () => {
    writeConfig({ Require_Login: "yes" });
    expect((await routes.list(req("/api/jobs"), ctx(0))).status).toBe(401);
    expect((await routes.status(req("/api/status"), ctx(0))).status).toBe(401);
    const { cookie } = await login();
    expect((await routes.list(req("/api/jobs", { headers: { cookie } }), ctx(0))).status).toBe(200);
    const session = (await (await routes.session(req("/api/auth/session"), ctx(0))).json()) as { loginRequired: boolean; admin: unknown };
    expect(session).toMatchObject({ loginRequired: true, admin: null });
  });

  it("auto: open on localhost, but not through another Host name (DNS rebinding)", async () => {
    expect((await routes.list(req("/api/jobs"), ctx(0))).status).toBe(200);
    expect((await routes.list(req("/api/jobs", { headers: { host: "attacker.example:8000" } }), ctx(0))).status).toBe(401);
    writeConfig({ Host: "compute.lab.org" });
    expect((await routes.list(req("/api/jobs"), ctx(0))).status).toBe(401);
  });

  it("Display_details = False hides owner, info and info keys from visitors, not from the admin", async () => {
    const { job } = await makeJob("done");
    writeConfig({ Display_details: "False" });
    const anon = (await (await routes.job(req(`/api/jobs/${job.id}`), ctx(job.id))).json()) as { job: Record<string, unknown> };
    expect(anon.job).toMatchObject({ owner: null, info: null, script: null, params: null });
    const admin = (await (await routes.job(req(`/api/jobs/${job.id}`, { headers: basic() }), ctx(job.id))).json()) as { job: Record<string, unknown> };
    expect(admin.job).toMatchObject({ owner: "ann@lab.org", params: { custom: "42" } });
    // The info file itself is not readable by visitors either.
    expect((await routes.raw(req(`/api/jobs/${job.id}/files/raw?path=proc_config.cfg`), ctx(job.id))).status).toBe(403);
    const listing = (await (await routes.files(req(`/api/jobs/${job.id}/files`), ctx(job.id))).json()) as { entries: { name: string }[] };
    expect(listing.entries.map((e) => e.name)).not.toContain("proc_config.cfg");
    expect((await routes.raw(req(`/api/jobs/${job.id}/files/raw?path=proc_config.cfg`, { headers: basic() }), ctx(job.id))).status).toBe(200);
  });

  it("login is rate-limited: the 6th try within 15 minutes is 429 even with the right password", async () => {
    const attempt = (password: string) =>
      routes.login(req("/api/auth/login", { method: "POST", body: JSON.stringify({ username: "admin", password }), headers: { "x-forwarded-for": "10.9.9.9" } }), ctx(0));
    for (let i = 0; i < 5; i++) expect((await attempt("wrong")).status).toBe(401);
    const limited = await attempt(PASSWORD);
    expect(limited.status).toBe(429);
    expect((await errorOf(limited)).message).toMatch(/Too many failed login attempts; wait \d+ minutes?/);
    expect(limited.headers.get("retry-after")).toMatch(/^\d+$/);
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

  it("serves text inline as text/plain and everything else (html, svg) as an attachment, sandboxed", async () => {
    const { job } = await makeJob("done", { "results.txt": "42\n", "page.html": "<script>alert(1)</script>", "plot.svg": "<svg onload='alert(1)'/>" });
    const raw = (p: string) => routes.raw(req(`/api/jobs/${job.id}/files/raw?path=${p}`), ctx(job.id));
    const text = await raw("results.txt");
    expect(text.headers.get("content-type")).toBe("text/plain; charset=utf-8");
    expect(text.headers.get("content-disposition")).toMatch(/^inline;/);
    for (const p of ["page.html", "plot.svg"]) {
      const res = await raw(p);
      expect(res.headers.get("content-type")).toBe("application/octet-stream");
      expect(res.headers.get("content-disposition")).toMatch(/^attachment; filename=/);
      expect(res.headers.get("x-content-type-options")).toBe("nosniff");
      expect(res.headers.get("content-security-policy")).toMatch(/^sandbox/);
    }
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

  it("downloads the whole folder as a zip with every file under the job's name", async () => {
    const { job } = await makeJob("done", { "results.txt": "42\n", "sub/deep/a.csv": "x,y\n" });
    const res = await routes.zip(req(`/api/jobs/${job.id}/download`), ctx(job.id));
    expect(res.headers.get("content-type")).toBe("application/zip");
    const buffer = Buffer.from(await res.arrayBuffer());
    const names = await new Promise<string[]>((resolve, reject) =>
      yauzl.fromBuffer(buffer, { lazyEntries: true }, (err, zip) => {
        if (err) return reject(err);
        const out: string[] = [];
        zip.on("entry", (e: yauzl.Entry) => (out.push(e.fileName), zip.readEntry()));
        zip.on("end", () => resolve(out));
        zip.readEntry();
      }),
    );
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
    writeConfig({ Delete_Jobs: "False" });
    expect((await routes.del(req(`/api/jobs/${done.id}`, { method: "DELETE", headers: basic() }), ctx(done.id))).status).toBe(403);
  });

  it("a queued job whose folder the worker just took answers CONFLICT", async () => {
    const { job, full } = await makeJob("queued");
    fs.renameSync(full, path.join(qm, "QM_Jobs", job.name));
    const res = await routes.del(req(`/api/jobs/${job.id}`, { method: "DELETE", headers: basic() }), ctx(job.id));
    expect(res.status).toBe(409);
    expect((await db.job.findUniqueOrThrow({ where: { id: job.id } })).state).toBe("queued");
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
    for (let i = 0; i < 7; i++) await makeJob(i % 2 ? "failed" : "done", {}, { finishedAt: new Date(Date.now() - i * 1000), owner: i < 3 ? "bob@lab.org" : "ann@lab.org" });
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
  });

  it("stays fast with 10,000 finished jobs", async () => {
    const now = Date.now();
    const rows = Array.from({ length: 10_000 }, (_, i) => ({
      name: `bulk-${i}`, owner: `user${i % 20}@lab.org`, info: i % 7 ? "fit" : "spectrum", script: "sh run.sh", state: i % 10 ? "done" : "failed",
      folder: `QM_dJobs/bulk-${i}`, source: "folder", submittedAt: new Date(now - i * 60_000), startedAt: new Date(now - i * 60_000), finishedAt: new Date(now - i * 60_000 + 30_000),
    }));
    for (let i = 0; i < rows.length; i += 1000) await db.job.createMany({ data: rows.slice(i, i + 1000) });
    const timed = async (q: string) => {
      await routes.list(req(`/api/jobs?${q}`), ctx(0)); // warm
      const times: number[] = [];
      let body = { total: 0 };
      for (let i = 0; i < 7; i++) {
        const t0 = performance.now();
        const res = await routes.list(req(`/api/jobs?${q}`), ctx(0));
        body = (await res.json()) as { total: number };
        times.push(performance.now() - t0);
      }
      const ms = times.sort((a, b) => a - b)[3];
      console.log(`GET /api/jobs?${q} with 10,000 rows: median ${ms.toFixed(1)} ms of 7 (total ${body.total})`);
      return { ms, total: body.total };
    };
    expect((await timed("view=finished&page=1&pageSize=25")).ms).toBeLessThan(200);
    expect((await timed("view=finished&page=300&pageSize=25")).ms).toBeLessThan(200);
    const filtered = await timed("view=finished&state=failed&owner=user10&q=spectrum");
    expect(filtered.ms).toBeLessThan(200);
    expect(filtered.total).toBeGreaterThan(0);
  });
});

describe("first start and sessions", () => {
  it("/setup creates the administrator only while none exists, and logs in", async () => {
    await db.admin.deleteMany();
    const state = (await (await routes.session(req("/api/auth/session"), ctx(0))).json()) as { setupNeeded: boolean };
    expect(state.setupNeeded).toBe(true);
    const post = (body: object) => routes.setup(req("/api/auth/setup", { method: "POST", body: JSON.stringify(body), headers: { "content-type": "application/json" } }), ctx(0));
    const short = await post({ username: "admin", password: "short" });
    expect(short.status).toBe(400);
    expect((await errorOf(short)).details).toHaveProperty("password");
    const created = await post({ username: "admin", password: PASSWORD });
    expect(created.status).toBe(201);
    expect(created.headers.get("set-cookie")).toMatch(/^qm_session=/);
    const again = await post({ username: "mallory", password: "another password" });
    expect(again.status).toBe(409);
    expect(await db.admin.count()).toBe(1);
  });

  it("logout ends the session: the cookie no longer opens admin actions", async () => {
    const { cookie, csrf } = await login();
    const out = await routes.logout(req("/api/auth/logout", { method: "POST", headers: { cookie } }), ctx(0));
    expect(out.headers.get("set-cookie")).toMatch(/Max-Age=0/);
    const { job } = await makeJob("running");
    const res = await routes.kill(req(`/api/jobs/${job.id}/kill`, { method: "POST", headers: { cookie, "x-qm-csrf": csrf } }), ctx(job.id));
    expect(res.status).toBe(401);
  });
});
