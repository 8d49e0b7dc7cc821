/**
 * The local executor: jobs run on this machine, each in its own session under a tiny
 * POSIX wrapper shell (the session and group leader). The wrapper runs the job's command,
 * then writes the run's exit record (lib/core/exit-record.ts) with shell builtins only;
 * it traps TERM/INT/HUP (a handler, not an ignore, so the job keeps the default action) so
 * that it still records the end after a kill. Runs outlive the worker: a later worker
 * finds them by pid and start time (find) and reads how they ended from their record.
 * The fork itself happens in a small helper process (spawner.mjs): forking the worker is slow.
 */
import { type ChildProcess, spawn } from "node:child_process";
import fs from "node:fs";
import path from "node:path";
import readline from "node:readline";
import { WRITE_EXIT_RECORD, exitRecordName } from "../../lib/core/exit-record";
import { LOG_FILE, logHeader } from "../../lib/core/job-log";
import type { ExitReport, Executor, LaunchSpec, RunSample, StartedRun } from "../executor";
import { findJobProcesses, groupMembers, groupOf, sampleGroups, terminateGroup } from "./process-tree";
import { createProcessWatch, exitReportOf, isRunAlive, processStartTime, processesByRunToken, runTokenOf } from "./run-watch";

/** $1: the exit record's path, $2: cgroup.procs files to enter (":"-separated), then the command. */
const WRAPPER = [
  "trap 'qm_sig=1' TERM INT HUP",
  'qm_exit=$1; qm_cgroups=$2; shift 2',
  'IFS=:; for qm_p in $qm_cgroups; do echo $$ > "$qm_p" || exit 125; done; unset IFS',
  '"$@"',
  "qm_status=$?",
  WRITE_EXIT_RECORD,
  "exit $qm_status",
].join("\n");

interface Pending {
  pid: (pid: number) => void;
  exit: (status: { exitCode: number | null; signal: string | null; error?: string }) => void;
}

export interface LocalExecutorOptions {
  /** Base environment of every job. */
  jobEnv: NodeJS.ProcessEnv;
  log: (m: string) => void;
  /** QM_Jobs: where runs of an earlier worker are looked for. */
  runningDir: string;
  /** `.qm/runs`: the runs' exit records. */
  runsDir: string;
}

export function createLocalExecutor(opts: LocalExecutorOptions): Executor {
  const pending = new Map<number, Pending>();
  const watch = createProcessWatch();
  let nextId = 1;
  let closing = false;
  let helper: ChildProcess;

  /** A run whose end this process will not hear of from the spawner: watched by polling. */
  const watchRun = async (pid: number, startTime: string | null, runToken: string): Promise<ExitReport> => {
    await watch.whenGone(pid, startTime);
    return exitReportOf(opts.runsDir, runToken, { exitCode: null, signal: null, error: "the run ended while no worker watched it and left no exit record" });
  };

  const launch = () => {
    helper = spawn(process.execPath, [path.join(import.meta.dirname, "spawner.mjs")], { env: opts.jobEnv, stdio: ["pipe", "pipe", "inherit"] });
    readline.createInterface({ input: helper.stdout! }).on("line", (line) => {
      const msg = JSON.parse(line) as { id: number; pid?: number; exit?: { exitCode: number | null; signal: string | null; error?: string } };
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
      opts.log(`the job spawner stopped unexpectedly (${signal ?? `exit code ${code}`}); restarting it; its runs are watched on`);
      for (const [id, p] of pending) {
        pending.delete(id);
        p.exit({ exitCode: null, signal: null, error: "spawner-died" });
      }
      launch();
    });
  };
  launch();

  const startRun = (spec: LaunchSpec): Promise<StartedRun> => {
    const id = nextId++;
    const n = String(spec.granted);
    const env = {
      ...spec.extraEnv, NB_PROC: n, OMP_NUM_THREADS: n, MKL_NUM_THREADS: n, OPENBLAS_NUM_THREADS: n,
      QM_JOB_NAME: spec.name, QM_JOB_DIR: spec.dir, QM_JOB_ID: String(spec.jobId), QM_RUN_TOKEN: spec.runToken,
    };
    const exitPath = path.join(opts.runsDir, exitRecordName(spec.runToken));
    fs.rmSync(exitPath, { force: true });
    let spawnerStatus!: Pending["exit"];
    const ended = new Promise<Parameters<Pending["exit"]>[0]>((resolve) => (spawnerStatus = resolve));
    const pid = new Promise<number>((resolve) => pending.set(id, { pid: resolve, exit: spawnerStatus }));
    const args = [exitPath, "", "/bin/sh", "-c", spec.script];
    helper.stdin!.write(`${JSON.stringify({ id, dir: spec.dir, log: path.join(spec.dir, LOG_FILE), header: logHeader(spec), wrapper: WRAPPER, args, env })}\n`);
    return pid.then((value) => {
      const startTime = value > 0 ? processStartTime(value) : null;
      const exited = ended.then((status) =>
        // The spawner died: the run goes on without it; watch it until it ends.
        status.error === "spawner-died" && value > 0 ? watchRun(value, startTime, spec.runToken) : exitReportOf(opts.runsDir, spec.runToken, status),
      );
      return { pid: value, runInfo: { executor: "local", pid: value, startTime }, exited };
    });
  };

  return {
    name: "local",
    start: startRun,
    terminate(run, graceMs, onKill) {
      void terminateGroup(run.pid, graceMs, onKill);
    },
    stopLeftovers(run, graceMs) {
      if (run.pid <= 1) return 0;
      const members = groupMembers(run.pid);
      if (members.length) void terminateGroup(run.pid, graceMs);
      return members.length;
    },
    sample(runs) {
      const samples = sampleGroups(new Set(runs.map((r) => r.pid)));
      const out = new Map<StartedRun, RunSample>();
      for (const run of runs) {
        const s = samples.get(run.pid);
        if (s) out.set(run, { memoryKb: Math.max(s.rssKb, s.hwmKb), cpuSeconds: s.cpuSeconds });
      }
      return out;
    },
    async find(record) {
      let pid = Number(record.runInfo?.pid ?? 0);
      let startTime = (record.runInfo?.startTime as string | null | undefined) ?? null;
      if (!pid) {
        // Started but not recorded (the worker died in between): its processes carry the token.
        const pids = processesByRunToken().get(record.runToken) ?? [];
        pid = pids.find((p) => groupOf(p) === p) ?? 0;
        startTime = pid ? processStartTime(pid) : null;
      }
      if (pid && isRunAlive(pid, startTime)) {
        return { state: "running", run: { pid, runInfo: { executor: "local", pid, startTime }, exited: watchRun(pid, startTime, record.runToken) } };
      }
      const exit = exitReportOf(opts.runsDir, record.runToken, { exitCode: null, signal: null, error: "none" });
      return exit.error ? { state: "gone", reason: "its processes are gone and it left no exit record" } : { state: "ended", exit };
    },
    async sweep(known, graceMs, log) {
      const stopping: Promise<void>[] = [];
      const stop = (what: string, pids: number[]) => {
        log(`recovery: stopping ${pids.length} process(es) of ${what}, which no job claims`);
        for (const pgid of new Set(pids.map(groupOf).filter((g) => g > 1))) stopping.push(terminateGroup(pgid, graceMs));
      };
      for (const [token, pids] of processesByRunToken()) if (!known.has(token)) stop(`run ${token}`, pids);
      // Runs of an earlier version, which did not name its runs: found by their folder.
      for (const [dir, pids] of findJobProcesses(opts.runningDir)) {
        const unnamed = pids.filter((p) => runTokenOf(p) === null);
        if (unnamed.length) stop(path.basename(dir), unnamed);
      }
      await Promise.all(stopping);
      for (const file of fs.readdirSync(opts.runsDir)) {
        if (!known.has(file.replace(/\.exit(\.tmp)?$/, ""))) fs.rmSync(path.join(opts.runsDir, file), { force: true });
      }
    },
    async close() {
      closing = true;
      watch.close();
      helper.stdin!.end();
    },
  };
}
