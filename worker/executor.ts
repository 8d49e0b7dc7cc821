/**
 * Start one job: header into process.log, then `/bin/sh -c <script>` in the job folder,
 * in its own process group, output appended to process.log.
 *
 * The script runs under a tiny POSIX wrapper shell (the group leader) that waits for it
 * and then prints the `times` builtin to fd 3, a pipe read here: user+system CPU of
 * every process of the tree that was waited for. The wrapper traps TERM/INT/HUP (a
 * handler, not an ignore, so the script still gets the default action) so that after a
 * kill it still reports the CPU time.
 */
import { spawn } from "node:child_process";
import fs from "node:fs";
import path from "node:path";
import { logHeader, parseShellTimes, type HeaderInput } from "../lib/core/job-log";

const WRAPPER = `trap 'qm_sig=1' TERM INT HUP; /bin/sh -c "$1" 3>&-; qm_status=$?; times >&3; exit $qm_status`;

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
  baseEnv: NodeJS.ProcessEnv;
}

export const LOG_FILE = "process.log";

export function spawnJob(o: SpawnOptions): SpawnedJob {
  const fd = fs.openSync(path.join(o.dir, LOG_FILE), "a");
  try {
    fs.writeSync(fd, logHeader(o));
    const n = String(o.granted);
    const child = spawn("/bin/sh", ["-c", WRAPPER, "qm-job", o.script], {
      cwd: o.dir,
      detached: true,
      stdio: ["ignore", fd, fd, "pipe"],
      env: {
        ...o.baseEnv,
        NB_PROC: n,
        OMP_NUM_THREADS: n,
        MKL_NUM_THREADS: n,
        OPENBLAS_NUM_THREADS: n,
        QM_JOB_NAME: o.name,
        QM_JOB_DIR: o.dir,
        QM_JOB_ID: String(o.jobId),
      },
    });
    let times = "";
    child.stdio[3]?.on("data", (chunk: Buffer) => (times += chunk.toString()));
    const exited = new Promise<ExitInfo>((resolve) => {
      child.once("error", (error) => resolve({ exitCode: null, signal: null, cpuSeconds: null, error: error.message }));
      child.once("close", (code, signal) => resolve({ exitCode: code, signal, cpuSeconds: parseShellTimes(times) }));
    });
    if (child.pid === undefined) return { pid: 0, exited };
    return { pid: child.pid, exited };
  } finally {
    fs.closeSync(fd);
  }
}
