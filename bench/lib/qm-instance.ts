/**
 * A QueueManager of the benchmark's own: temporary QMserv.cfg, QM_FOLDER and SQLite
 * file, the real worker (and, when asked, the built web server) as child processes.
 */
import { type ChildProcess, spawn } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import Database from "better-sqlite3";
import { prepare, projectRoot } from "../../lib/server/bootstrap";
import { waitFor } from "./stats";
import { webServerCommand } from "../../scripts/build-web-server";
import { workerCommand } from "../../scripts/build-worker";

export interface QmInstance {
  dir: string;
  qmFolder: string;
  queued: string;
  done: string;
  env: NodeJS.ProcessEnv;
  worker?: ChildProcess;
  web?: ChildProcess;
  baseUrl: string;
  db: Database.Database;
  /** `main`: another build of the worker; `nodeArgs`: more options for node (a profile); `env`: more environment. */
  startWorker(opts?: { main?: string; nodeArgs?: string[]; env?: Record<string, string> }): Promise<ChildProcess>;
  startWeb(opts?: { nodeArgs?: string[] }): Promise<ChildProcess>;
  stopWorker(): Promise<void>;
  stop(): Promise<void>;
  countStates(): Record<string, number>;
}

export interface InstanceOptions {
  maxNbProcessors?: number;
  port?: number;
  /** [WEB_QMserver] Host, where the web server listens (default 127.0.0.1; reached at 127.0.0.1 all the same). */
  host?: string;
  settleMs?: number;
  adminPassword?: string;
  /** More [QMServer] keys (Limits = none, executor = slurm...). */
  keys?: Record<string, string | number>;
  /** More environment for the programs (SLURM_CONF...). */
  env?: Record<string, string>;
}

function configText(qmFolder: string, o: Required<InstanceOptions>): string {
  return [
    "[QMServer]",
    `QM_FOLDER = ${qmFolder}`,
    `MaxNbProcessors = ${o.maxNbProcessors}`,
    "launch_type = non-blocking",
    "Failed_Jobs = QM_lost+found",
    "job_file = proc_config.cfg",
    "MailActive = False",
    `Settle_Time = ${o.settleMs}`,
    // Jobs end with the worker (the default keeps them running for the next worker).
    "Shutdown_Jobs = requeue",
    ...Object.entries(o.keys).map(([k, v]) => `${k} = ${v}`),
    "",
    "[WEB_QMserver]",
    `Host = ${o.host}`,
    `The_Port = ${o.port}`,
    "Max_Upload_MB = 4096",
    "Require_Login = no",
    "",
  ].join("\n");
}

async function stopChild(child: ChildProcess | undefined): Promise<void> {
  if (!child || child.exitCode !== null || child.signalCode !== null) return;
  const exited = new Promise((r) => child.once("exit", r));
  child.kill("SIGTERM");
  const timer = setTimeout(() => child.kill("SIGKILL"), 10_000);
  await exited;
  clearTimeout(timer);
}

export async function createInstance(options: InstanceOptions = {}): Promise<QmInstance> {
  const o: Required<InstanceOptions> = { maxNbProcessors: 2, port: 8450, host: "127.0.0.1", settleMs: 2000, adminPassword: "bench-admin", keys: {}, env: {}, ...options };
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "qm-bench-"));
  // Jobs of a root worker run as unprivileged uids: they must reach QM_FOLDER.
  fs.chmodSync(dir, 0o755);
  const qmFolder = path.join(dir, "QM");
  const configPath = path.join(dir, "QMserv.cfg");
  fs.writeFileSync(configPath, configText(qmFolder, o));
  const env: NodeJS.ProcessEnv = {
    ...process.env,
    QM_CONFIG: configPath,
    QM_DATA: dir,
    DATABASE_URL: `file:${path.join(dir, "qm.db")}`,
    QM_ADMIN_PASSWORD: o.adminPassword,
    NEXT_TELEMETRY_DISABLED: "1",
    ...o.env,
  };
  await prepare(env);
  const childEnv = { ...env, QM_SKIP_MIGRATE: "1" };
  const db = new Database(path.join(dir, "qm.db"), { readonly: true });
  const baseUrl = `http://127.0.0.1:${o.port}`;

  const instance: QmInstance = {
    dir,
    qmFolder,
    queued: path.join(qmFolder, "QM_qJobs"),
    done: path.join(qmFolder, "QM_dJobs"),
    env,
    baseUrl,
    db,
    async startWorker(opts = {}) {
      const { command, args, env: workerEnv } = workerCommand(projectRoot, opts.main);
      args.unshift(...(opts.nodeArgs ?? []));
      const child = spawn(command, args, {
        cwd: projectRoot,
        env: { ...childEnv, ...workerEnv, ...opts.env },
        stdio: ["ignore", "ignore", "inherit"],
      });
      instance.worker = child;
      await waitFor(() => {
        const row = db.prepare("SELECT pid FROM WorkerStatus WHERE id = 1").get() as { pid: number } | undefined;
        return row?.pid === child.pid;
      }, 60_000, "the worker's heartbeat", 20);
      return child;
    },
    async startWeb(opts = {}) {
      const { command, args, env: serverEnv } = webServerCommand(projectRoot, o.host, o.port);
      args.unshift(...(opts.nodeArgs ?? []));
      const child = spawn(command, args, {
        cwd: projectRoot,
        env: { ...childEnv, NODE_ENV: "production", ...serverEnv },
        stdio: ["ignore", "ignore", "inherit"],
      });
      instance.web = child;
      await waitFor(async () => (await fetch(`${baseUrl}/api/status`).catch(() => null))?.ok, 60_000, "the web server", 100);
      return child;
    },
    stopWorker: () => stopChild(instance.worker),
    async stop() {
      await Promise.all([stopChild(instance.worker), stopChild(instance.web)]);
      db.close();
      fs.rmSync(dir, { recursive: true, force: true });
    },
    countStates() {
      const rows = db.prepare("SELECT state, COUNT(*) AS n FROM Job GROUP BY state").all() as { state: string; n: number }[];
      return Object.fromEntries(rows.map((r) => [r.state, r.n]));
    },
  };
  return instance;
}

/** Write a job folder (info file + optional extra files) at `dir`. */
export function writeJob(dir: string, script: string, extra: Record<string, string> = {}, options: { nbProc?: number; priority?: number } = {}): void {
  fs.mkdirSync(dir, { recursive: true });
  const lines = ["[QMOptions]", `script = ${script}`, `nb_proc = ${options.nbProc ?? 1}`];
  if (options.priority !== undefined) lines.push(`priority = ${options.priority}`);
  fs.writeFileSync(path.join(dir, "proc_config.cfg"), `${lines.join("\n")}\n`);
  for (const [name, content] of Object.entries(extra)) fs.writeFileSync(path.join(dir, name), content);
}
