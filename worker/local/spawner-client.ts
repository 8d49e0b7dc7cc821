/**
 * The worker's side of the spawner helper: its C version (spawner.c, compiled by the build
 * where the machine has a C compiler: scripts/build-spawner.ts), else its Perl version
 * (spawner.pl: perl-base is on every Debian). Both speak one protocol of lines, written down
 * in both sources.
 * The helper is restarted if it dies; the runs it had started are then reported with the
 * error "spawner-died" (they go on; the executor watches them by polling instead).
 */
import { type ChildProcess, spawn } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import readline from "node:readline";

/**
 * How many processes (threads included) a run on a pool uid may have at once, unless its
 * request says otherwise: RLIMIT_NPROC, which counts every process of the uid, and a pool
 * uid is its run's alone. Without it a fork bomb took every pid of the machine (`ulimit -u`
 * was 96362, pid_max 32768). docs/limits.md.
 */
export const DEFAULT_MAX_PROCESSES = 4096;

/**
 * What the spawners (C and Perl alike) write in process.log when a run of a pool uid ended
 * 126 because an earlier run locked the uid's keyring (nobody, root included, can empty it
 * until the machine restarts): the worker then never hands that uid out again.
 */
export const UID_UNUSABLE = "so this uid cannot run jobs safely until the machine restarts";

/** One run to start (the wrapper's part is described in spawner.pl). */
export interface SpawnRequest {
  /** The job's folder: the run's working directory. */
  dir: string;
  /** The run's log: `header` is written to it first, then the run's output. */
  log: string;
  header: string;
  /** Where the wrapper writes the run's exit record. */
  exitRecord: string;
  /** cgroup.procs files the wrapper joins before it starts the command. */
  cgroups: string[];
  /**
   * The identity the command runs as; null: the worker's own. `pool`: a uid of Job_Uids, the
   * run's alone, whose keyrings are emptied and whose processes are capped (maxProcesses);
   * false (or left out) for a Run_As account, a person's own, which keeps its keyrings and its
   * limits. Every run with an identity gets its own System V IPC, message queues and session
   * keyring.
   */
  runAs: { uid: number; gid: number; pool?: boolean } | null;
  /** A pool uid's cap on processes (RLIMIT_NPROC); DEFAULT_MAX_PROCESSES when not given. */
  maxProcesses?: number;
  command: string[];
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

const SCRIPT = path.join(import.meta.dirname, "spawner.pl");
const BINARY = path.join(import.meta.dirname, "qm-spawner");

/** Which spawner to run: "c" where it was built, else "perl"; a test or the bench may ask for one. */
export type SpawnerKind = "c" | "perl";
export const defaultSpawnerKind = (): SpawnerKind => (fs.existsSync(BINARY) ? "c" : "perl");

/** The command line of a spawner of that kind. */
export function spawnerCommand(kind: SpawnerKind): { command: string; args: string[] } {
  return kind === "c" ? { command: BINARY, args: [] } : { command: "perl", args: [SCRIPT] };
}

const hex = (text: string) => Buffer.from(text).toString("hex");
const unhex = (text: string) => Buffer.from(text, "hex").toString();

/** One request line: every field hex-encoded (any byte may appear in a script or a path). */
function requestLine(id: number, r: SpawnRequest): string {
  const env = Object.entries(r.env).map(([name, value]) => `${name}=${value}`);
  const ids = r.runAs ? `${r.runAs.uid}:${r.runAs.gid}` : "";
  const runAs = r.runAs?.pool ? `${ids}:pool:${r.maxProcesses ?? DEFAULT_MAX_PROCESSES}` : ids;
  const fields = [String(id), r.dir, r.log, r.header, r.exitRecord, r.cgroups.join(":"), runAs, String(r.command.length), ...r.command, ...env];
  return `${fields.map(hex).join(" ")}\n`;
}

const signalName = (n: number) => Object.entries(os.constants.signals).find(([, value]) => value === n)?.[0] ?? `signal ${n}`;

/** One answer line: "<id> pid <pid>", "<id> exit <code|-> <signal|->" or "<id> error <hex>". */
function parseAnswer(line: string): { id: number; pid?: number; exit?: SpawnerStatus } {
  const [id, kind, a, b] = line.split(" ");
  if (kind === "pid") return { id: Number(id), pid: Number(a) };
  if (kind === "exit") return { id: Number(id), exit: { exitCode: a === "-" ? null : Number(a), signal: b === "-" ? null : signalName(Number(b)) } };
  // Nothing started: no pid, and the reason as the run's end.
  return { id: Number(id), pid: 0, exit: { exitCode: null, signal: null, error: unhex(a ?? "") } };
}

export function startSpawner(jobEnv: NodeJS.ProcessEnv, log: (m: string) => void, kind: SpawnerKind = defaultSpawnerKind()): Spawner {
  const { command, args } = spawnerCommand(kind);
  const pending = new Map<number, Pending>();
  let nextId = 1;
  let closing = false;
  let helper: ChildProcess;
  /** Why no spawner can run (perl missing): every start then fails with this reason. */
  let unavailable: string | null = null;

  const endPending = (error: string) => {
    for (const [id, p] of pending) {
      pending.delete(id);
      p.pid(0);
      p.exit({ exitCode: null, signal: null, error });
    }
  };

  const launch = () => {
    // Detached: a Ctrl-C meant for the worker's process group must not kill the spawner
    // (it exits when the worker closes its stdin, or dies).
    helper = spawn(command, args, { env: jobEnv, stdio: ["pipe", "pipe", "inherit"], detached: true });
    helper.once("error", (error) => {
      const what = kind === "c" ? "" : "; the worker needs perl (Debian: perl-base)";
      unavailable = `cannot start the job spawner (${[command, ...args].join(" ")}): ${error.message}${what}`;
      log(unavailable);
      endPending(unavailable);
    });
    // A write to a helper that just died: its exit is handled below.
    helper.stdin!.on("error", () => {});
    readline.createInterface({ input: helper.stdout! }).on("line", (line) => {
      const msg = parseAnswer(line);
      const p = pending.get(msg.id);
      if (!p) return;
      if (msg.pid !== undefined) p.pid(msg.pid);
      if (msg.exit) {
        pending.delete(msg.id);
        p.exit(msg.exit);
      }
    });
    helper.once("exit", (code, signal) => {
      if (closing || unavailable) return;
      log(`the job spawner stopped unexpectedly (${signal ?? `exit code ${code}`}); restarting it; its runs are watched on`);
      endPending("spawner-died");
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
      if (unavailable) endPending(unavailable);
      else helper.stdin!.write(requestLine(id, request));
      return pid.then((value) => ({ pid: value, ended }));
    },
    close() {
      closing = true;
      helper.stdin!.end();
    },
  };
}
