/**
 * Integration-test kit: a temporary QM_FOLDER and QMserv.cfg, a real database with the
 * migrations applied (a SQLite file, or PostgreSQL in the `integration-pg` project), job
 * folders, a real SMTP server, and polling waits (never sleeps).
 */
import { execFileSync } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { SMTPServer } from "smtp-server";
import { createTestDatabase } from "../../prisma/tools/test-database";
import { parseConfigText } from "../../lib/server/config-file";
import { type Db, createDb, tuneSqlite } from "../../lib/server/db";
import { ensureQmFolders, qmLayout, type QmLayout } from "../../lib/server/qm-folders";
import type { QmConfig } from "../../lib/core/qm-config";
import { queueStagedJob } from "../../lib/server/jobs/submit-job";
import { removeTree } from "../../lib/server/remove-tree";
import { type JobStore, createJobStore } from "../../lib/server/store/job-store";
import { openSql } from "../../lib/server/store/sql";
import { detectLimits } from "../local/limits/detect-limits";
import { processesByRunToken } from "../local/run-watch";
import { DEFAULT_CLAIMS_DIR } from "../local/uid-claims";

export interface TestEnv {
  dir: string;
  configPath: string;
  databaseUrl: string;
  layout: QmLayout;
  /** Prisma, for the reads that tests check (as the web app reads). */
  db: Db;
  /** The job store, as the web app writes through it. */
  store: JobStore;
  /** A folder every job may write (mode 1777, like /tmp): jobs run as unprivileged uids. */
  shared: string;
  /** Write QMserv.cfg with these [QMServer] keys (on top of the test defaults). */
  writeConfig(keys?: Record<string, string | number>): void;
  config(): QmConfig;
  cleanup(): Promise<void>;
}

/** Each test environment's jobs get uids of their own, so that test runs side by side never meet. */
const uidBlock = () => {
  const base = 200_000 + Math.floor(Math.random() * 100_000) * 100;
  return { text: `${base}-${base + 99}`, uids: Array.from({ length: 100 }, (_, i) => base + i) };
};

/**
 * The machine-wide uid claims of a test's uid block: a worker gives its claims back when it
 * stops, one killed by a test does not, and a machine running the tests again and again
 * had gathered 1,650 such files in /run/qm-job-uids.
 */
function removeUidClaims(uids: number[]): void {
  for (const uid of uids) fs.rmSync(path.join(DEFAULT_CLAIMS_DIR, String(uid)), { force: true });
}

export const DEFAULT_KEYS = { MaxNbProcessors: 2, launch_type: "non-blocking", Failed_Jobs: "QM_lost+found", Settle_Time: 300, Kill_Grace: 1, MailActive: "False" };

export async function createTestEnv(keys: Record<string, string | number> = {}): Promise<TestEnv> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "qm-worker-"));
  // As a real QM_FOLDER's parents: traversable by the jobs' unprivileged uids.
  fs.chmodSync(dir, 0o755);
  const { text: jobUids, uids } = uidBlock();
  const shared = path.join(dir, "shared");
  fs.mkdirSync(shared);
  fs.chmodSync(shared, 0o1777);
  const configPath = path.join(dir, "QMserv.cfg");
  const layout = qmLayout(path.join(dir, "QM"));
  ensureQmFolders(layout);
  const writeConfig = (more: Record<string, string | number> = {}) => {
    const all = { QM_FOLDER: layout.root, Job_Uids: jobUids, ...DEFAULT_KEYS, ...keys, ...more };
    const text = `[QMServer]\n${Object.entries(all).map(([k, v]) => `${k} = ${v}`).join("\n")}\n\n[WEB_QMserver]\nHost = 127.0.0.1\nThe_Port = 8799\n`;
    const tmp = `${configPath}.tmp`;
    fs.writeFileSync(tmp, text);
    fs.renameSync(tmp, configPath);
  };
  writeConfig();
  const databaseUrl = await createTestDatabase(dir);
  const db = createDb(databaseUrl);
  await tuneSqlite(db);
  const store = createJobStore(openSql(databaseUrl));
  return {
    dir, configPath, databaseUrl, layout, db, store, shared, writeConfig,
    config: () => parseConfigText(configPath, fs.readFileSync(configPath, "utf8")).config,
    async cleanup() {
      // Jobs outlive their worker (Shutdown_Jobs = keep): a test's leftovers must not load
      // the machine (or hold its CPUs) for the tests after it.
      for (const pid of jobProcesses(layout.root)) {
        try {
          process.kill(pid, "SIGKILL");
        } catch {
          // gone
        }
      }
      await db.$disconnect();
      await store.sql.close();
      await removeInstanceCgroups(layout.internal);
      removeUidClaims(uids);
      // Not fs.rmSync: its recursion overflows the stack on a tree a job made 20,000 levels deep.
      await removeTree(dir);
    },
  };
}

/**
 * The cgroup folders of a test's QueueManager instance, where a test left them (a worker
 * killed, a run that went on): removed the way a worker removes them (its start-up sweep,
 * then its release at stop), so that the machine's cpusets do not pile up test after test
 * (each one made every cpuset change slower, docs/limits.md). Only empty folders go: a run
 * just killed holds its cgroup until its processes are reaped, so this tries again for up
 * to `waitMs`.
 */
export async function removeInstanceCgroups(internalDir: string, waitMs = 3_000): Promise<void> {
  let instance: string;
  try {
    instance = fs.readFileSync(path.join(internalDir, "folder-id"), "utf8").trim().slice(0, 12);
  } catch {
    return; // no worker ever ran here
  }
  const limits = detectLimits("auto", instance);
  const end = Date.now() + waitMs;
  for (;;) {
    limits.sweep(new Set());
    if (limits.release() || Date.now() > end) return;
    await new Promise((r) => setTimeout(r, 100));
  }
}

export interface JobSpec {
  script: string;
  nbProc?: number;
  email?: string;
  priority?: number;
  files?: Record<string, string | Buffer>;
  /** More [QMOptions] keys (hold, after_ok, array...). */
  keys?: Record<string, string | number>;
  /** Whole info file text instead of the generated one. */
  infoText?: string;
  infoName?: string;
}

/** Build a job folder under `parent` (default: a staging folder outside QM_qJobs). */
export function makeJobFolder(parent: string, name: string, spec: JobSpec): string {
  const dir = path.join(parent, name);
  fs.mkdirSync(dir, { recursive: true });
  const info =
    spec.infoText ??
    ["[QMOptions]", `script = ${spec.script}`, `nb_proc = ${spec.nbProc ?? 1}`, ...(spec.email ? [`e_mail = ${spec.email}`] : []), ...(spec.priority !== undefined ? [`priority = ${spec.priority}`] : []),
      ...Object.entries(spec.keys ?? {}).map(([k, v]) => `${k} = ${v}`),
      "",
    ].join("\n");
  fs.writeFileSync(path.join(dir, spec.infoName ?? "proc_config.cfg"), info);
  for (const [file, content] of Object.entries(spec.files ?? {})) fs.writeFileSync(path.join(dir, file), content);
  return dir;
}

const FIXTURES = path.join(import.meta.dirname, "fixtures");

/** The seed README's example job folder, with its module zipped as mymodule.zip (no .pyc inside). */
export function seedJob(parent: string, name: string, infoFile: string): string {
  const dir = path.join(parent, name);
  fs.mkdirSync(dir, { recursive: true });
  for (const file of ["process.py", infoFile]) fs.copyFileSync(path.join(FIXTURES, "seed-job", file), path.join(dir, file));
  execFileSync("python3", ["-m", "zipfile", "-c", path.join(dir, "mymodule.zip"), "mymodule/"], { cwd: path.join(FIXTURES, "mymodule") });
  return dir;
}

/** Drop a job the way people do: build it beside QM_FOLDER, then `mv` it into QM_qJobs. */
export function dropJob(env: TestEnv, name: string, spec: JobSpec): void {
  const staging = path.join(env.dir, "staging");
  fs.mkdirSync(staging, { recursive: true });
  fs.renameSync(makeJobFolder(staging, name, spec), path.join(env.layout.queued, name));
}

/** Submit as the web app does after an upload: the real queueStagedJob (row first, then the folder, then wake). */
export async function submitJob(env: TestEnv, name: string, spec: JobSpec): Promise<number> {
  const staging = path.join(env.layout.staging, Math.random().toString(36).slice(2));
  const dir = makeJobFolder(staging, name, spec);
  const job = await queueStagedJob({ store: env.store, layout: env.layout, folderRule: { jobFile: spec.infoName ?? "proc_config.cfg", strict: false } }, { dir, name, source: "api", priorityLimit: null, detail: "submitted by a test" });
  fs.rmSync(staging, { recursive: true, force: true });
  return job.id;
}

/** A file in the shared folder that every job may append to (jobs run as different uids). */
export function sharedFile(env: TestEnv, name: string): string {
  const file = path.join(env.shared, name);
  fs.writeFileSync(file, "", { mode: 0o666 });
  fs.chmodSync(file, 0o666);
  return file;
}

/**
 * A gate a job's script waits at until the test opens it: a job that moves on or ends when
 * the test says so, not on a clock that a loaded machine can outrun.
 */
export const waitAtGate = (env: TestEnv, name = "go") => `while [ ! -e '${path.join(env.dir, name)}' ]; do sleep 0.1; done`;
export const openGate = (env: TestEnv, name = "go") => fs.writeFileSync(path.join(env.dir, name), "");

/** Poll `probe` until it returns a truthy value; fail with `what` after `timeoutMs`. */
export async function waitFor<T>(what: string, probe: () => T | Promise<T>, timeoutMs = 30_000, everyMs = 50): Promise<NonNullable<T>> {
  const end = Date.now() + timeoutMs;
  let last: unknown;
  for (;;) {
    try {
      const value = await probe();
      if (value) return value as NonNullable<T>;
    } catch (error) {
      last = error;
    }
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}${last ? ` (last error: ${last})` : ""}`);
    await new Promise((r) => setTimeout(r, everyMs));
  }
}

/** Wait until the job named `name` reaches one of `states`; returns its row. */
export async function waitForJob(env: TestEnv, name: string, states: string[], timeoutMs = 30_000) {
  return waitFor(`job "${name}" in ${states.join("/")}`, () => env.db.job.findFirst({ where: { name, state: { in: states } }, orderBy: { id: "desc" } }), timeoutMs);
}

/** Pids of live processes of runs in a job folder under QM_FOLDER (their wrappers included). */
export function jobProcesses(root: string): number[] {
  return [...processesByRunToken(root).values()].flat();
}

export interface ReceivedMail {
  to: string[];
  raw: string;
  /** The user name the client logged in with (servers started with `login`). */
  user?: string;
}

/**
 * A real SMTP server on a free local port, keeping every message it receives. With
 * `login`, clients must log in (AUTH PLAIN/LOGIN) with that user name and password.
 */
export async function startSmtpServer(login?: { user: string; password: string }): Promise<{ port: number; mails: ReceivedMail[]; close(): Promise<void> }> {
  const mails: ReceivedMail[] = [];
  const server = new SMTPServer({
    authOptional: !login,
    allowInsecureAuth: true,
    onAuth(auth, _session, callback) {
      if (login && auth.username === login.user && auth.password === login.password) callback(null, { user: auth.username });
      else callback(new Error("Invalid username or password"));
    },
    disabledCommands: ["STARTTLS"],
    logger: false,
    onData(stream, session, callback) {
      const chunks: Buffer[] = [];
      stream.on("data", (c: Buffer) => chunks.push(c));
      stream.on("end", () => {
        mails.push({ to: session.envelope.rcptTo.map((r) => r.address), raw: Buffer.concat(chunks).toString("utf8"), user: session.user as string | undefined });
        callback();
      });
    },
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", () => resolve()));
  const port = (server.server.address() as { port: number }).port;
  return { port, mails, close: () => new Promise<void>((resolve) => server.close(() => resolve())) };
}

/** One job's run as its script traced it (see `traced`). */
export interface Span {
  name: string;
  procs: number;
  start: number;
  end: number;
}

/** A script that records its first and last instruction in the trace file. */
export function traced(trace: string, name: string, procs: number, body: string): string {
  return `echo "start ${name} ${procs} $(date +%s%N)" >> '${trace}'; ${body}; echo "end ${name} ${procs} $(date +%s%N)" >> '${trace}'`;
}

export function readSpans(trace: string): Span[] {
  const spans = new Map<string, Span>();
  for (const line of fs.readFileSync(trace, "utf8").trim().split("\n")) {
    const [kind, name, procs, ns] = line.split(" ");
    const span = spans.get(name) ?? { name, procs: Number(procs), start: 0, end: 0 };
    span[kind as "start" | "end"] = Number(BigInt(ns) / 1000n) / 1000;
    spans.set(name, span);
  }
  return [...spans.values()];
}

/** Largest sum of processors of overlapping spans. */
export function maxProcessorsInUse(spans: Span[]): number {
  const points = spans.flatMap((s) => [{ t: s.start, d: s.procs }, { t: s.end, d: -s.procs }]).sort((a, b) => a.t - b.t || a.d - b.d);
  let now = 0;
  let max = 0;
  for (const p of points) max = Math.max(max, (now += p.d));
  return max;
}

/** A script that runs until the test raises the flag `name` (a file in the shared folder, which every job can see). */
export const untilFlag = (env: TestEnv, name: string) => `while [ ! -f '${path.join(env.shared, name)}' ]; do sleep 0.05; done`;
export const raiseFlag = (env: TestEnv, name: string) => fs.writeFileSync(path.join(env.shared, name), "");
