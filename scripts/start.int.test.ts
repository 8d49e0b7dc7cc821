/**
 * `npm start` as an operator meets it (the real npm, the built app, a temporary QM_FOLDER):
 * a worker killed with SIGKILL comes back while the web server stays up and the running job
 * is adopted; SIGHUP or SIGTERM to npm leaves nothing running behind it.
 */
import { type ChildProcess, spawn } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { projectRoot } from "../lib/server/bootstrap";

const PORT = 8793;
let dir: string;
let npm: ChildProcess | undefined;
let output = "";

afterEach(() => {
  if (npm && npm.exitCode === null) npm.kill("SIGKILL");
  for (const pid of ours()) process.kill(pid, "SIGKILL");
  for (const pid of jobsOf(`${dir}/QM/`)) process.kill(pid, "SIGKILL");
  fs.rmSync(dir, { recursive: true, force: true });
});

/** Pids of live processes started for this test's QMserv.cfg (web, worker, start.ts, jobs). */
function ours(): number[] {
  const pids: number[] = [];
  for (const entry of fs.readdirSync("/proc")) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const stat = fs.readFileSync(`/proc/${entry}/stat`, "utf8");
      if (/^[ZX]/.test(stat.slice(stat.lastIndexOf(")") + 2))) continue;
      if (fs.readFileSync(`/proc/${entry}/environ`, "utf8").includes(`QM_CONFIG=${dir}/QMserv.cfg`)) pids.push(Number(entry));
    } catch {
      // gone
    }
  }
  return pids;
}

/** Pids of live job processes (QM_JOB_DIR) under `root`: jobs outlive `npm start` by design. */
function jobsOf(root: string): number[] {
  return fs.readdirSync("/proc").filter((e) => /^\d+$/.test(e)).map(Number).filter((pid) => {
    try {
      return fs.readFileSync(`/proc/${pid}/environ`, "utf8").includes(`QM_JOB_DIR=${root}`);
    } catch {
      return false;
    }
  });
}

const cmdline = (pid: number) => {
  try {
    return fs.readFileSync(`/proc/${pid}/cmdline`, "utf8");
  } catch {
    return "";
  }
};

async function until<T>(what: string, probe: () => T | Promise<T>, ms = 60_000): Promise<NonNullable<T>> {
  const end = Date.now() + ms;
  for (;;) {
    const value = await Promise.resolve(probe()).catch(() => undefined);
    if (value) return value as NonNullable<T>;
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}; output:\n${output}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

function startNpm(): ChildProcess {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), "qm-start-"));
  // Jobs run as unprivileged uids (npm start as root): they must reach QM_FOLDER, and write the shared folder.
  fs.chmodSync(dir, 0o755);
  fs.mkdirSync(path.join(dir, "shared"), { mode: 0o1777 });
  fs.chmodSync(path.join(dir, "shared"), 0o1777);
  const base = 300_000 + Math.floor(Math.random() * 100_000) * 100;
  fs.writeFileSync(path.join(dir, "QMserv.cfg"), `[QMServer]\nQM_FOLDER = ${dir}/QM\nKill_Grace = 1\nJob_Uids = ${base}-${base + 99}\n\n[WEB_QMserver]\nHost = 127.0.0.1\nThe_Port = ${PORT}\n`);
  output = "";
  const child = spawn("npm", ["start"], { cwd: projectRoot, env: { ...process.env, QM_CONFIG: path.join(dir, "QMserv.cfg"), QM_DATA: dir }, stdio: ["ignore", "pipe", "pipe"] });
  child.stdout!.on("data", (c: Buffer) => (output += c.toString()));
  child.stderr!.on("data", (c: Buffer) => (output += c.toString()));
  return child;
}

const status = async () => (await fetch(`http://127.0.0.1:${PORT}/api/status`)).status;

describe("npm start", () => {
  it("restarts a killed worker, keeps the web up, and the running job finishes once", async () => {
    npm = startNpm();
    await until("both programs", async () => output.includes("worker started") && (await status()) === 200);
    const job = path.join(dir, "job");
    fs.mkdirSync(job);
    fs.writeFileSync(path.join(job, "proc_config.cfg"), `[QMOptions]\nscript = echo run >> '${dir}/shared/runs'; for i in 1 2 3 4 5 6; do echo "processing $i / 6"; sleep 0.5; done\n`);
    fs.renameSync(job, path.join(dir, "QM/QM_qJobs/job"));
    await until("the job to run", () => fs.existsSync(path.join(dir, "shared/runs")));
    const worker = ours().find((pid) => cmdline(pid).includes("dist/worker/main.mjs"))!;
    process.kill(worker, "SIGKILL");
    await until("the restart line", () => /the worker stopped unexpectedly \(SIGKILL\); restarting it in 1 s/.test(output));
    expect(await status()).toBe(200);
    await until("a new worker", () => output.split("worker started").length > 2);
    expect(output).toMatch(/still runs \(pid \d+\): adopted/);
    await until("the job done", () => fs.readdirSync(path.join(dir, "QM/QM_dJobs")).length === 1, 20_000);
    expect(fs.readFileSync(path.join(dir, "shared/runs"), "utf8")).toBe("run\n");

    npm.kill("SIGHUP");
    await until("npm to exit", () => npm!.exitCode !== null || npm!.signalCode !== null, 20_000);
    await until("nothing left running", () => ours().length === 0, 20_000);
  }, 150_000);

  it("SIGTERM to npm stops the web server and the worker behind it", async () => {
    npm = startNpm();
    await until("both programs", async () => output.includes("worker started") && (await status()) === 200);
    expect(ours().length).toBeGreaterThanOrEqual(3);
    npm.kill("SIGTERM");
    await until("nothing left running", () => ours().length === 0, 20_000);
    expect(output).toMatch(/stopping web and worker/);
  }, 150_000);
});
