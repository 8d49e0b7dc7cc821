/**
 * The worker's side of the spawner helper (spawner.mjs): JSON lines in both directions.
 * The helper is restarted if it dies; the runs it had started are then reported with the
 * error "spawner-died" (they go on; the executor watches them by polling instead).
 */
import { type ChildProcess, spawn } from "node:child_process";
import path from "node:path";
import readline from "node:readline";

export interface SpawnRequest {
  dir: string;
  log: string;
  header: string;
  wrapper: string;
  args: string[];
  env: Record<string, string>;
}

/** How the wrapper process ended, as its parent saw it. */
export interface SpawnerStatus {
  exitCode: number | null;
  signal: string | null;
  error?: string;
}

interface Pending {
  pid: (pid: number) => void;
  exit: (status: SpawnerStatus) => void;
}

export interface Spawner {
  spawn(request: SpawnRequest): Promise<{ pid: number; ended: Promise<SpawnerStatus> }>;
  close(): void;
}

export function startSpawner(jobEnv: NodeJS.ProcessEnv, log: (m: string) => void): Spawner {
  const pending = new Map<number, Pending>();
  let nextId = 1;
  let closing = false;
  let helper: ChildProcess;

  const launch = () => {
    // Detached: a Ctrl-C meant for the worker's process group must not kill the spawner
    // (it exits when the worker closes its stdin, or dies).
    helper = spawn(process.execPath, [path.join(import.meta.dirname, "spawner.mjs")], { env: jobEnv, stdio: ["pipe", "pipe", "inherit"], detached: true });
    readline.createInterface({ input: helper.stdout! }).on("line", (line) => {
      const msg = JSON.parse(line) as { id: number; pid?: number; exit?: SpawnerStatus };
      const p = pending.get(msg.id);
      if (!p) return;
      if (msg.pid !== undefined) p.pid(msg.pid);
      if (msg.exit) {
        pending.delete(msg.id);
        p.exit(msg.exit);
      }
    });
    helper.once("exit", (code, signal) => {
      if (closing) return;
      log(`the job spawner stopped unexpectedly (${signal ?? `exit code ${code}`}); restarting it; its runs are watched on`);
      for (const [id, p] of pending) {
        pending.delete(id);
        p.pid(0);
        p.exit({ exitCode: null, signal: null, error: "spawner-died" });
      }
      launch();
    });
  };
  launch();

  return {
    spawn(request) {
      const id = nextId++;
      let exit!: Pending["exit"];
      const ended = new Promise<SpawnerStatus>((resolve) => (exit = resolve));
      const pid = new Promise<number>((resolve) => pending.set(id, { pid: resolve, exit }));
      helper.stdin!.write(`${JSON.stringify({ id, ...request })}\n`);
      return pid.then((value) => ({ pid: value, ended }));
    },
    close() {
      closing = true;
      helper.stdin!.end();
    },
  };
}
