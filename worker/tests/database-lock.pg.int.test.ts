/**
 * One worker per QM_FOLDER across hosts, on PostgreSQL: the worker holds an advisory lock
 * keyed by the folder's identity, whatever path reaches the folder. A second worker
 * refuses and names the holder; a dropped session is opened again with its lock; a worker
 * whose lock was taken meanwhile stops itself.
 */
import { spawnSync } from "node:child_process";
import fs from "node:fs";
import net from "node:net";
import os from "node:os";
import path from "node:path";
import pg from "pg";
import { afterEach, describe, expect, it } from "vitest";
import { prepare } from "../../lib/server/bootstrap";
import { ensureQmFolders, qmLayout } from "../../lib/server/qm-folders";
import { createWorker, type Worker } from "../create-worker";
import { createTestEnv, openGate, submitJob, type TestEnv, waitAtGate, waitFor, waitForJob } from "./helpers";

let env: TestEnv;
const workers: Worker[] = [];

afterEach(async () => {
  for (const w of workers.splice(0)) await w.stop({ now: true });
  await env?.cleanup();
});

/** A worker built as main.ts builds it, on `configPath`; its log lines go to `logs`. */
function worker(configPath: string, logs: string[] = [], onFatal?: (e: Error) => void): Worker {
  const w = createWorker({ configPath, databaseUrl: env.databaseUrl, log: (m) => logs.push(m), heartbeatMs: 60_000, onFatal });
  workers.push(w);
  return w;
}

/** A second QMserv.cfg whose QM_FOLDER is the same folder reached through a symlink. */
function configThroughSymlink(): string {
  const link = path.join(env.dir, "QM-link");
  fs.symlinkSync(env.layout.root, link);
  const configPath = path.join(env.dir, "other.cfg");
  fs.writeFileSync(configPath, fs.readFileSync(env.configPath, "utf8").replace(`QM_FOLDER = ${env.layout.root}`, `QM_FOLDER = ${link}`));
  return configPath;
}

async function admin<T extends pg.QueryResultRow>(text: string): Promise<T[]> {
  const client = new pg.Client({ connectionString: env.databaseUrl });
  await client.connect();
  try {
    return (await client.query<T>(text)).rows;
  } finally {
    await client.end();
  }
}

const endWorkerSessions = () => admin(`SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE application_name LIKE 'qm-worker%'`);

describe("the QM_FOLDER's database lock", () => {
  it("refuses a second worker on the same folder through another path, naming the first", async () => {
    env = await createTestEnv();
    const first = worker(env.configPath);
    await first.start();
    const otherPath = configThroughSymlink();
    const second = worker(otherPath);
    await expect(second.start()).rejects.toThrow(
      new RegExp(`another QueueManager worker \\(pid ${process.pid} on ${os.hostname()}, since [0-9T:.Z-]+\\) already runs on this QM_FOLDER: it holds the folder's lock in the database`),
    );
    // Refused before it touched the folder: the file lock is still the first worker's.
    expect(JSON.parse(fs.readFileSync(path.join(env.layout.internal, "worker.lock"), "utf8")).pid).toBe(process.pid);
    await first.stop();
    const third = worker(otherPath);
    await third.start();
    expect(third.config().qmFolder).toBe(path.join(env.dir, "QM-link"));
  });

  it("refuses a worker whose QM_FOLDER is another folder, and leaves the running jobs of the database's folder alone", async () => {
    // Found by the PostgreSQL QA: a second host whose QMserv.cfg kept the default QM_FOLDER
    // (the shared folder not named) started, found no folder of the running job and called it lost.
    env = await createTestEnv();
    const first = worker(env.configPath);
    await first.start();
    await submitJob(env, "long", { script: waitAtGate(env) });
    await waitForJob(env, "long", ["running"]);
    const elsewhere = path.join(env.dir, "other-host-QM");
    ensureQmFolders(qmLayout(elsewhere)); // as the worker's start-up (prepare) makes them
    const configPath = path.join(env.dir, "other-host.cfg");
    fs.writeFileSync(configPath, fs.readFileSync(env.configPath, "utf8").replace(`QM_FOLDER = ${env.layout.root}`, `QM_FOLDER = ${elsewhere}`));
    await expect(worker(configPath).start()).rejects.toThrow(
      `this database belongs to another QM_FOLDER: ${env.layout.root} (on ${os.hostname()}), not ${elsewhere}. Every host must use the same shared folder: set QM_FOLDER in QMserv.cfg to where this host mounts it`,
    );
    expect(await env.db.job.findFirstOrThrow({ where: { name: "long" } })).toMatchObject({ state: "running" });
    // A web server started there (npm run web: prepare) refuses too: it took uploads that
    // waited in a folder no worker looks at and became lost a minute later.
    const start = (config: string) => prepare({ ...process.env, QM_CONFIG: config, QM_DATA: env.dir, DATABASE_URL: env.databaseUrl, QM_SKIP_MIGRATE: "", QM_ADMIN_PASSWORD: "" });
    await expect(start(configPath)).rejects.toThrow(`this database belongs to another QM_FOLDER: ${env.layout.root} (on ${os.hostname()}), not ${elsewhere}.`);
    await expect(start(env.configPath)).resolves.toBeTruthy();
    openGate(env);
    expect(await waitForJob(env, "long", ["done", "failed", "lost"])).toMatchObject({ state: "done" });
  });

  it("a database that does not answer at the start is named in the refusal", async () => {
    // Found by the PostgreSQL QA: npm start's worker, started while PostgreSQL was down, said
    // only "worker cannot start: connect ECONNREFUSED 127.0.0.1:55433".
    env = await createTestEnv();
    const closed = await new Promise<number>((resolve) => {
      const probe = net.createServer().listen(0, "127.0.0.1", () => {
        const { port } = probe.address() as net.AddressInfo;
        probe.close(() => resolve(port));
      });
    });
    const url = new URL(env.databaseUrl);
    url.port = String(closed);
    const w = createWorker({ configPath: env.configPath, databaseUrl: url.toString(), log: () => undefined, heartbeatMs: 60_000 });
    await expect(w.start()).rejects.toThrow(new RegExp(`^cannot open the database postgresql://qm@127\\.0\\.0\\.1:${closed}/\\S+ \\(DATABASE_URL\\): connect ECONNREFUSED`));
  });

  it("waits for the session of a worker that died on this host to end, then starts", async () => {
    env = await createTestEnv();
    const first = worker(env.configPath);
    await first.start();
    const [held] = await admin<{ classid: number; objid: number }>(`SELECT classid::int8 AS classid, objid::int8 AS objid FROM pg_locks WHERE locktype = 'advisory'`);
    await first.stop();
    // A session still open for a worker process that is gone (the server has not noticed yet).
    const deadPid = spawnSync("true").pid;
    const ghost = new pg.Client({ connectionString: env.databaseUrl, application_name: `qm-worker pid ${deadPid} on ${os.hostname()}` });
    await ghost.connect();
    await ghost.query(`SELECT pg_advisory_lock($1, $2)`, [held.classid, held.objid]);
    const ended = new Promise((r) => setTimeout(r, 1_000)).then(() => ghost.end());
    const logs: string[] = [];
    await worker(env.configPath, logs).start();
    await ended;
    expect(logs.some((l) => l.startsWith("worker started"))).toBe(true);
  });

  it("opens a dropped session again and keeps its lock", async () => {
    env = await createTestEnv();
    const logs: string[] = [];
    const first = worker(env.configPath, logs);
    await first.start();
    expect(await endWorkerSessions()).toHaveLength(1);
    await waitFor("session restored", () => logs.some((l) => l.includes("database session restored")));
    expect(logs.join("\n")).toContain("the database session holding the QM_FOLDER lock ended");
    await expect(worker(configThroughSymlink()).start()).rejects.toThrow(/already runs on this QM_FOLDER/);
  });

  it("stops when another session took the lock while its own was down", async () => {
    env = await createTestEnv();
    const logs: string[] = [];
    let fatal: Error | undefined;
    const first = worker(env.configPath, logs, (e) => (fatal = e));
    await first.start();
    const [held] = await admin<{ classid: number; objid: number }>(`SELECT classid::int8 AS classid, objid::int8 AS objid FROM pg_locks WHERE locktype = 'advisory'`);
    const thief = new pg.Client({ connectionString: env.databaseUrl });
    await thief.connect();
    try {
      // Queued for the lock before the session ends, the thief gets it before the worker is back.
      const stolen = thief.query(`SELECT pg_advisory_lock($1, $2)`, [held.classid, held.objid]);
      await waitFor("thief waiting", async () => (await admin(`SELECT 1 FROM pg_locks WHERE locktype = 'advisory' AND NOT granted`)).length === 1);
      await endWorkerSessions();
      await stolen;
      await waitFor("worker stopped itself", () => fatal);
      expect(fatal!.message).toMatch(/another QueueManager worker \(.*\) already runs on this QM_FOLDER: it holds the folder's lock in the database/);
      expect(logs).toContain(`stopping: ${fatal!.message}`);
      expect(logs).toContain("worker stopped");
      expect(fs.existsSync(path.join(env.layout.internal, "worker.lock"))).toBe(false);
    } finally {
      await thief.end();
    }
  });
});
