/**
 * For tests of the npm scripts as an operator runs them (the real npm, the built app, a
 * temporary QMserv.cfg and QM_DATA): start one, read its output, and find every process
 * it left, by the QMserv.cfg in its environment.
 */
import { type ChildProcess, spawn } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { projectRoot } from "../lib/server/bootstrap";

export interface NpmRun {
  npm: ChildProcess;
  /** Its folder: QMserv.cfg, QM_DATA, QM_FOLDER (QM), and `shared` (1777) for jobs. */
  dir: string;
  /** stdout and stderr so far. */
  output(): string;
  /** Live processes whose environment names this run's QMserv.cfg (npm, its scripts, web, worker). */
  processes(): number[];
  /** SIGKILL to whatever is left, and the folder removed. */
  cleanUp(): void;
}

/** `npm run <script>` (or `npm start`) on a fresh QMserv.cfg whose web server listens on `port` of `host`. */
export function startNpmScript(script: string, port: number, host = "127.0.0.1"): NpmRun {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "qm-npm-"));
  // Jobs run as unprivileged uids (npm as root): they must reach QM_FOLDER, and write the shared folder.
  fs.chmodSync(dir, 0o755);
  fs.mkdirSync(path.join(dir, "shared"), { mode: 0o1777 });
  fs.chmodSync(path.join(dir, "shared"), 0o1777);
  const base = 300_000 + Math.floor(Math.random() * 100_000) * 100;
  const cfg = path.join(dir, "QMserv.cfg");
  fs.writeFileSync(cfg, `[QMServer]\nQM_FOLDER = ${dir}/QM\nKill_Grace = 1\nJob_Uids = ${base}-${base + 99}\n\n[WEB_QMserver]\nHost = ${host}\nThe_Port = ${port}\n`);
  let output = "";
  const args = script === "start" ? ["start"] : ["run", script];
  const npm = spawn("npm", args, { cwd: projectRoot, env: { ...process.env, QM_CONFIG: cfg, QM_DATA: dir }, stdio: ["ignore", "pipe", "pipe"] });
  npm.stdout!.on("data", (c: Buffer) => (output += c.toString()));
  npm.stderr!.on("data", (c: Buffer) => (output += c.toString()));
  const processes = () => processesWith(`QM_CONFIG=${cfg}`);
  return {
    npm,
    dir,
    output: () => output,
    processes,
    cleanUp() {
      if (npm.exitCode === null && npm.signalCode === null) npm.kill("SIGKILL");
      for (const pid of processes()) process.kill(pid, "SIGKILL");
      for (const pid of processesWith(`QM_JOB_DIR=${dir}/QM/`)) process.kill(pid, "SIGKILL");
      fs.rmSync(dir, { recursive: true, force: true });
    },
  };
}

/** Pids of live processes whose environment holds `entry` (NAME=value...). */
export function processesWith(entry: string): number[] {
  const pids: number[] = [];
  for (const name of fs.readdirSync("/proc")) {
    if (!/^\d+$/.test(name)) continue;
    try {
      const stat = fs.readFileSync(`/proc/${name}/stat`, "utf8");
      if (/^[ZX]/.test(stat.slice(stat.lastIndexOf(")") + 2))) continue;
      if (fs.readFileSync(`/proc/${name}/environ`, "utf8").includes(entry)) pids.push(Number(name));
    } catch {
      // gone
    }
  }
  return pids;
}

export const cmdline = (pid: number) => {
  try {
    return fs.readFileSync(`/proc/${pid}/cmdline`, "utf8").replaceAll("\0", " ");
  } catch {
    return "";
  }
};

/** Wait for `probe` to give a value; on time out, say what was awaited and what `run` said. */
export async function until<T>(what: string, probe: () => T | Promise<T>, run: NpmRun, ms = 60_000): Promise<NonNullable<T>> {
  const end = Date.now() + ms;
  for (;;) {
    const value = await Promise.resolve(probe()).catch(() => undefined);
    if (value) return value as NonNullable<T>;
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}; processes left: ${run.processes().map((p) => `${p} ${cmdline(p)}`).join("; ")}\noutput:\n${run.output()}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}
