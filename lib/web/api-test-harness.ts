/**
 * Shared set-up of the API integration tests: a temporary QM_FOLDER and QMserv.cfg, a real
 * database (SQLite file, or PostgreSQL in the `integration-pg` project) with the migrations
 * applied and an administrator, and the route handlers loaded after the environment points
 * at them. Importing this file registers the hooks.
 */
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { afterAll, beforeAll, beforeEach, expect } from "vitest";
import { type WakeUps, createTestDatabase, watchWakeUps } from "../../prisma/tools/test-database";
import { type Db, createDb } from "../server/db";
import { type JobState, planTransition } from "../core/job-lifecycle";
import { hashPassword } from "../server/password";
import { type JobStore, createJobStore } from "../server/store/job-store";
import { bumpJobsVersion } from "../server/store/jobs-version";
import { openSql } from "../server/store/sql";
import { jobZip } from "../server/zip/zip-fixtures";
export { unzip } from "../server/zip/zip-fixtures";
import { PEER_HEADER, trustPeerHeader } from "./peer-header";

const root = path.resolve(import.meta.dirname, "../..");
export const dir = fs.mkdtempSync(path.join(os.tmpdir(), "qm-api-"));
export const qm = path.join(dir, "QM");
export const cfgPath = path.join(dir, "QMserv.cfg");
export const secretFile = path.join(dir, "secret.txt");
export const BASE = "http://127.0.0.1:8000";
export const PASSWORD = "correct horse battery";
/** The password of the users ann (ann@lab.org) and bob (bob@lab.org), role user. */
export const USER_PASSWORD = "ann and bob's password";
/** The test's database (SQLite file or PostgreSQL), as DATABASE_URL gives it to the routes. */
export let databaseUrl: string;
export let db: Db;
/** The job store: fixtures are written the way production writes rows. */
export let store: JobStore;
/** The worker's wake-ups sent by the routes (reset before each test). */
export let wakeUps: WakeUps;
let ip = 0;

export type Handler = (request: Request, context: { params: Promise<{ id: string }> }) => Promise<Response>;
export let routes: {
  list: Handler; submit: Handler; job: Handler; del: Handler; kill: Handler; requeue: Handler; files: Handler; raw: Handler; log: Handler; zip: Handler;
  login: Handler; session: Handler; status: Handler; setup: Handler; logout: Handler;
  users: Handler; createUser: Handler; updateUser: Handler; password: Handler; tokens: Handler; createToken: Handler; revokeToken: Handler;
  hold: Handler; release: Handler; priority: Handler; array: Handler; arrayAction: Handler;
};

/** Write QMserv.cfg: these [WEB_QMserver] keys (and [QMServer] keys) on top of the test defaults. */
export function writeConfig(web: Record<string, string> = {}, server: Record<string, string> = {}) {
  const lines = (keys: Record<string, string>) => Object.entries(keys).map(([k, v]) => `${k} = ${v}`).join("\n");
  const webKeys = { Host: "127.0.0.1", Licence_to_kill: "True", Delete_Jobs: "True", ...web };
  fs.writeFileSync(cfgPath, `[QMServer]\n${lines({ QM_FOLDER: qm, ...server })}\n\n[WEB_QMserver]\n${lines(webKeys)}\n`);
  const t = new Date(Date.now() + ++ip * 1000);
  fs.utimesSync(cfgPath, t, t); // the web context re-reads QMserv.cfg when its mtime changes
}

beforeAll(async () => {
  // As QueueManager's web server does (scripts/web-server.ts): PEER_HEADER is the connection's address.
  trustPeerHeader();
  writeConfig();
  const url = (databaseUrl = await createTestDatabase(dir));
  Object.assign(process.env, { QM_CONFIG: cfgPath, QM_DATA: dir, DATABASE_URL: url });
  db = createDb(url);
  store = createJobStore(openSql(url));
  await db.user.create({ data: { username: "admin", role: "admin", passwordHash: await hashPassword(PASSWORD) } });
  for (const name of ["ann", "bob"]) await db.user.create({ data: { username: name, role: "user", email: `${name}@lab.org`, passwordHash: await hashPassword(USER_PASSWORD) } });
  fs.writeFileSync(secretFile, "top secret\n");
  for (const d of ["QM_qJobs", "QM_Jobs", "QM_dJobs", "QM_lost+found", ".qm/staging"]) fs.mkdirSync(path.join(qm, d), { recursive: true });
  wakeUps = await watchWakeUps(url, path.join(qm, ".qm/wake"));
  const m = (p: string) => import(/* @vite-ignore */ p);
  const r = (p: string) => m(path.join(root, "app/api", p, "route.ts"));
  const [list, one, kill, requeue, files, raw, log, zip, login, session, status, setup, logout, users, user, password, tokens, token, hold, release, priority, array, arrayAction] = await Promise.all(
    ["jobs", "jobs/[id]", "jobs/[id]/kill", "jobs/[id]/requeue", "jobs/[id]/files", "jobs/[id]/files/raw", "jobs/[id]/log", "jobs/[id]/download", "auth/login", "auth/session", "status", "auth/setup", "auth/logout",
      "users", "users/[id]", "account/password", "account/tokens", "account/tokens/[id]", "jobs/[id]/hold", "jobs/[id]/release", "jobs/[id]/priority", "arrays/[id]", "arrays/[id]/[action]"].map(r),
  );
  routes = {
    list: list.GET, job: one.GET, del: one.DELETE, kill: kill.POST, requeue: requeue.POST, files: files.GET, raw: raw.GET, log: log.GET, zip: zip.GET,
    login: login.POST, session: session.GET, status: status.GET, setup: setup.POST, logout: logout.POST, submit: list.POST,
    users: users.GET, createUser: users.POST, updateUser: user.PATCH, password: password.POST, tokens: tokens.GET, createToken: tokens.POST, revokeToken: token.DELETE,
    hold: hold.POST, release: release.POST, priority: priority.POST, array: array.GET, arrayAction: arrayAction.POST,
  };
});

afterAll(async () => {
  await wakeUps.close();
  await db.$disconnect();
  await store.sql.close();
  fs.rmSync(dir, { recursive: true, force: true });
});

beforeEach(async () => {
  writeConfig();
  wakeUps.reset();
  await db.job.deleteMany();
  // Rows removed behind the store's back: the version moves as a store write moves it (the routes keep counts per version).
  await bumpJobsVersion(store.sql, new Date());
});

/**
 * What a restart of the web server does to lib/web/context.ts: the next request reads
 * QMserv.cfg afresh, start-up keys (Host, The_Port, QM_FOLDER) included.
 */
export function restartWebServer(): void {
  delete (globalThis as Record<symbol, unknown>)[Symbol.for("qm.web.context")];
}

export const ctx = (id: number | string) => ({ params: Promise.resolve({ id: String(id) }) });
export const basic = (password = PASSWORD, username = "admin") => ({ authorization: `Basic ${Buffer.from(`${username}:${password}`).toString("base64")}` });
/** HTTP Basic as ann or bob (role user). */
export const basicAs = (username: "ann" | "bob", password = USER_PASSWORD) => basic(password, username);
/** The address requests come from (PEER_HEADER): one per test, so that login slow-downs stay apart. */
export const peer = () => `10.0.0.${ip}`;
export const req = (url: string, init: RequestInit & { headers?: Record<string, string> } = {}) =>
  new Request(`${BASE}${url}`, { ...init, headers: { host: "127.0.0.1:8000", [PEER_HEADER]: peer(), ...init.headers } });

export async function makeJob(state: string, files: Record<string, string> = {}, extra: Record<string, unknown> = {}) {
  const queue = { queued: "QM_qJobs", running: "QM_Jobs", done: "QM_dJobs" }[state] ?? "QM_lost+found";
  const name = `job-${Math.random().toString(36).slice(2, 8)}`;
  const folder = `${queue}/${state === "queued" || state === "running" ? name : `2026-11-28T04-00-00Z-${name}`}`;
  const full = path.join(qm, folder);
  fs.mkdirSync(full, { recursive: true });
  for (const [f, content] of Object.entries({ "proc_config.cfg": "[QMOptions]\nscript = sh run.sh\n", ...files })) {
    fs.mkdirSync(path.dirname(path.join(full, f)), { recursive: true });
    fs.writeFileSync(path.join(full, f), content);
  }
  const row = { name, owner: "ann@lab.org", info: "nmr fit", script: "sh run.sh", folder, source: "folder" as const, params: JSON.stringify({ script: "sh run.sh", e_mail: "ann@lab.org", custom: "42" }) };
  let id: number;
  if (state === "queued" || state === "running") {
    id = await store.createJob({ ...row, folder: `QM_qJobs/${name}` }, planTransition("submit", null, "queued", extra));
    if (state === "running") await store.transition(id, planTransition("start", "queued", "running", { folder, startedAt: new Date(), ...extra }));
  } else {
    id = await store.createJob(row, planTransition("import", null, state as JobState, extra));
  }
  const job = await db.job.findUniqueOrThrow({ where: { id } });
  return { job, full };
}

export async function login(username = "admin", password = username === "admin" ? PASSWORD : USER_PASSWORD): Promise<{ cookie: string; csrf: string }> {
  const res = await routes.login(req("/api/auth/login", { method: "POST", body: JSON.stringify({ username, password }), headers: { origin: BASE, "content-type": "application/json" } }), ctx(0));
  expect(res.status).toBe(200);
  const cookie = res.headers.get("set-cookie")!;
  expect(cookie).toMatch(/^qm_session=[^;]+; Path=\/; HttpOnly; SameSite=Lax/);
  return { cookie: cookie.split(";")[0], csrf: ((await res.json()) as { csrfToken: string }).csrfToken };
}

/** Upload a job (jobZip with this top folder and script) as an anonymous client of the API does; the route's answer. */
export async function uploadJob(folder: string, script?: string): Promise<Response> {
  const form = new FormData();
  form.append("file", new Blob([new Uint8Array(jobZip({ folder, script }))], { type: "application/zip" }), `${folder}.zip`);
  return routes.submit(req("/api/jobs", { method: "POST", body: form, headers: { "x-qm-csrf": "1", origin: BASE } }), ctx(0));
}

/** uploadJob, which must be accepted: the new job's id. */
export async function submitJobZip(folder: string, script?: string): Promise<number> {
  const res = await uploadJob(folder, script);
  expect(res.status, await res.clone().text()).toBe(201);
  return ((await res.json()) as { job: { id: number } }).job.id;
}

export const errorOf = async (res: Response) => ((await res.json()) as { error: { code: string; message: string; details?: Record<string, string> } }).error;


