/**
 * Start jobs: header into process.log, then `/bin/sh -c <script>` in the job folder, in
 * its own process group, output appended to process.log. The fork itself happens in a
 * small helper process (spawner.mjs) because forking the worker is slow.
 *
 * The script runs under a tiny POSIX wrapper shell (the group leader) that waits for it
 * and then prints the `times` builtin to fd 3, a pipe: user+system CPU of every process
 * of the tree that was waited for. The wrapper traps TERM/INT/HUP (a handler, not an
 * ignore, so the script keeps the default action) so that it still reports after a kill.
 */
import { type ChildProcess, spawn } from "node:child_process";
import path from "node:path";
import readline from "node:readline";
import { logHeader, parseShellTimes, type HeaderInput } from "../lib/core/job-log";

const WRAPPER = `trap 'qm_sig=1' TERM INT HUP; /bin/sh -c "$1" 3>&-; qm_status=$?; times >&3; exit $qm_status`;

export const LOG_FILE = "process.log";

export interface ExitInfo {
  exitCode: number | null;
  signal: string | null;
  /** From `times`; null when the wrapper itself was killed (SIGKILL). */
  cpuSeconds: number | null;
  error?: string;
}

export interface SpawnedJob {
  pid: number;
  exited: Promise<ExitInfo>;
}

export interface SpawnOptions extends HeaderInput {
  dir: string;
}

export interface Spawner {
  spawnJob(o: SpawnOptions): Promise<SpawnedJob>;
  close(): void;
}

interface Pending {
  pid: (pid: number) => void;
  exit: (info: ExitInfo) => void;
}

/** Start the helper; `jobEnv` is the base environment of every job. */
export function startSpawner(jobEnv: NodeJS.ProcessEnv, log: (m: string) => void): Spawner {
  const pending = new Map<number, Pending>();
  let nextId = 1;
  let closing = false;
  let helper: ChildProcess;

  const launch = () => {
    helper = spawn(process.execPath, [path.join(import.meta.dirname, "spawner.mjs")], { env: jobEnv, stdio: ["pipe", "pipe", "inherit"] });
    readline.createInterface({ input: helper.stdout! }).on("line", (line) => {
      const msg = JSON.parse(line) as { id: number; pid?: number; exit?: { exitCode: number | null; signal: string | null; times: string; error?: string } };
      const p = pending.get(msg.id);
      if (!p) return;
      if (msg.pid !== undefined) p.pid(msg.pid);
      if (msg.exit) {
        pending.delete(msg.id);
        p.exit({ exitCode: msg.exit.exitCode, signal: msg.exit.signal, cpuSeconds: parseShellTimes(msg.exit.times), ...(msg.exit.error ? { error: msg.exit.error } : {}) });
      }
    });
    helper.once("exit", (code, signal) => {
      if (closing) return;
      log(`the job spawner stopped unexpectedly (${signal ?? `exit code ${code}`}); restarting it`);
      for (const [id, p] of pending) {
        pending.delete(id);
        p.pid(0);
        p.exit({ exitCode: null, signal: null, cpuSeconds: null, error: "the worker lost track of this job (its spawner process died)" });
      }
      launch();
    });
  };
  launch();

  return {
    spawnJob(o) {
      const id = nextId++;
      const n = String(o.granted);
      const env = { NB_PROC: n, OMP_NUM_THREADS: n, MKL_NUM_THREADS: n, OPENBLAS_NUM_THREADS: n, QM_JOB_NAME: o.name, QM_JOB_DIR: o.dir, QM_JOB_ID: String(o.jobId) };
      let exit!: (info: ExitInfo) => void;
      const exited = new Promise<ExitInfo>((resolve) => (exit = resolve));
      const pid = new Promise<number>((resolve) => pending.set(id, { pid: resolve, exit }));
      helper.stdin!.write(`${JSON.stringify({ id, dir: o.dir, log: path.join(o.dir, LOG_FILE), header: logHeader(o), script: o.script, wrapper: WRAPPER, env })}\n`);
      return pid.then((value) => ({ pid: value, exited }));
    },
    close() {
      closing = true;
      helper.stdin!.end();
    },
  };
}
