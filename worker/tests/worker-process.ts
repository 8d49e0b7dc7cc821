/** The worker as a real program (`node --import tsx worker/main.ts`), for tests that need its process. */
import { type ChildProcess, spawn } from "node:child_process";
import path from "node:path";
import { afterEach } from "vitest";
import { projectRoot } from "../../lib/server/bootstrap";
import { jobProcesses, type TestEnv, waitFor } from "./helpers";

export interface WorkerProcess {
  child: ChildProcess;
  /** Its stdout and stderr so far. */
  output: () => string;
  /** Its exit code (null: killed by a signal). */
  exited: Promise<number | null>;
  /** Resolves once it logged "worker started"; rejects with its output if it exits first. */
  started(): Promise<void>;
}

export interface WorkerProcessOptions {
  configPath: string;
  dataDir: string;
  databaseUrl: string;
  /** Lead a process group of its own, as in a terminal (to send it a terminal's Ctrl-C). */
  detached?: boolean;
}

/** Start the worker program; migrations must be applied already (as `npm start` does before it). */
export function spawnWorker(opts: WorkerProcessOptions): WorkerProcess {
  const child = spawn(process.execPath, ["--import", "tsx", path.join(projectRoot, "worker/main.ts")], {
    cwd: projectRoot,
    detached: opts.detached,
    env: { ...process.env, QM_CONFIG: opts.configPath, QM_DATA: opts.dataDir, DATABASE_URL: opts.databaseUrl, QM_SKIP_MIGRATE: "1" },
    stdio: ["ignore", "pipe", "pipe"],
  });
  let out = "";
  child.stdout!.on("data", (c: Buffer) => (out += c.toString()));
  child.stderr!.on("data", (c: Buffer) => (out += c.toString()));
  const exited = new Promise<number | null>((resolve) => child.on("exit", (code) => resolve(code)));
  const output = () => out;
  return {
    child,
    output,
    exited,
    started: () =>
      waitFor("worker started", () => {
        if (child.exitCode !== null) throw new Error(`worker exited: ${output()}`);
        return output().includes("worker started");
      }, 45_000).then(
        () => undefined,
        (error: Error) => {
          throw new Error(`${error.message}; worker output: ${output()}`);
        },
      ),
  };
}

/**
 * For a test file whose tests start worker programs on the environment `currentEnv` gives:
 * after each test its workers are killed (their output printed if it failed: their logs are
 * the only witness of a race), its jobs' processes waited for and the environment cleaned up.
 */
export function useWorkerProcesses(currentEnv: () => TestEnv | undefined) {
  const workers: WorkerProcess[] = [];
  afterEach(async (ctx) => {
    if (ctx.task.result?.state === "fail") for (const w of workers) console.log(`--- worker ${w.child.pid} output:\n${w.output()}`);
    for (const { child } of workers.splice(0)) if (child.exitCode === null && child.signalCode === null) child.kill("SIGKILL");
    const env = currentEnv();
    if (env) await waitFor("job processes gone", () => jobProcesses(env.layout.root).length === 0, 15_000).catch(() => undefined);
    await env?.cleanup();
  });
  /** Kill `worker` after the test too. */
  const track = (worker: WorkerProcess) => (workers.push(worker), worker);
  return {
    track,
    /** The worker program on the test's environment; `detached`: it leads a process group of its own, as in a terminal. */
    start(opts: { detached?: boolean } = {}): WorkerProcess {
      const env = currentEnv()!;
      return track(spawnWorker({ configPath: env.configPath, dataDir: env.dir, databaseUrl: env.databaseUrl, detached: opts.detached }));
    },
  };
}
