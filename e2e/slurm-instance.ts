/**
 * A second QueueManager for the Slurm e2e spec: its own folder, QMserv.cfg (executor =
 * slurm), SQLite file and port (QM_E2E_PORT + 1), run by `scripts/start.ts` against a
 * throw-away single-node Slurm started here. Stopped (and the cluster with it) afterwards.
 */
import { type ChildProcess, spawn } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { type SlurmCluster, startSlurmCluster } from "../worker/slurm/tests/slurm-cluster";

export interface SlurmInstance {
  baseURL: string;
  qmFolder: string;
  output(): string;
  stop(): Promise<void>;
}

const PORT = Number(process.env.QM_E2E_PORT || 8431) + 1;
const projectRoot = path.resolve(import.meta.dirname, "..");

export async function startSlurmInstance(): Promise<SlurmInstance> {
  const cluster: SlurmCluster = await startSlurmCluster({ cpus: 8 });
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "qm-e2e-slurm-"));
  const qmFolder = path.join(dir, "QM");
  const configPath = path.join(dir, "QMserv.cfg");
  const keys = { QM_FOLDER: qmFolder, executor: "slurm", slurm_poll_interval: 1, MailActive: "False", Settle_Time: 300, Kill_Grace: 2 };
  fs.writeFileSync(configPath, `[QMServer]\n${Object.entries(keys).map(([k, v]) => `${k} = ${v}`).join("\n")}\n\n[WEB_QMserver]\nHost = 127.0.0.1\nThe_Port = ${PORT}\nRefresh_Rate = 1\n`);
  const env = { ...process.env, QM_CONFIG: configPath, QM_DATA: dir, DATABASE_URL: `file:${path.join(dir, "qm.db")}`, QM_ADMIN_PASSWORD: "e2e-slurm-admin", SLURM_CONF: cluster.conf, NEXT_TELEMETRY_DISABLED: "1" };
  const child: ChildProcess = spawn(process.execPath, ["--import", "tsx", "scripts/start.ts"], { cwd: projectRoot, env, stdio: ["ignore", "pipe", "pipe"] });
  let out = "";
  child.stdout!.on("data", (c: Buffer) => (out += c.toString()));
  child.stderr!.on("data", (c: Buffer) => (out += c.toString()));
  const baseURL = `http://127.0.0.1:${PORT}`;
  const stop = async () => {
    if (child.exitCode === null && child.signalCode === null) {
      const exited = new Promise((r) => child.once("exit", r));
      child.kill("SIGTERM");
      await Promise.race([exited, new Promise((r) => setTimeout(r, 15_000))]);
    }
    await cluster.stop();
    fs.rmSync(dir, { recursive: true, force: true });
  };
  // Up when the worker's heartbeat is fresh (it starts after its shared-folder probe job ran).
  const end = Date.now() + 150_000;
  for (;;) {
    const status = await fetch(`${baseURL}/api/status`).then((r) => (r.ok ? r.json() : null), () => null);
    if (status?.worker?.alive) break;
    if (child.exitCode !== null || Date.now() > end) {
      await stop();
      throw new Error(`the Slurm-backed QueueManager did not start:\n${out.slice(-3000)}`);
    }
    await new Promise((r) => setTimeout(r, 300));
  }
  return { baseURL, qmFolder, output: () => out, stop };
}
