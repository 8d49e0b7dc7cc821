/**
 * The local executor: jobs run as process groups on this machine. Each starts as
 * `/bin/sh -c <script>` in its folder, output appended to process.log, under a tiny POSIX
 * wrapper shell (the group leader) that waits for it and then prints the `times` builtin
 * to fd 3, a pipe: user+system CPU of every process of the tree that was waited for. The
 * wrapper traps TERM/INT/HUP (a handler, not an ignore, so the script keeps the default
 * action) so that it still reports after a kill. The fork itself happens in a small helper
 * process (spawner.mjs) because forking the worker is slow.
 */
import { type ChildProcess, spawn } from "node:child_process";
import path from "node:path";
import readline from "node:readline";
import { parseShellTimes } from "../../lib/core/exit-record";
import { LOG_FILE, logHeader } from "../../lib/core/job-log";
import type { ExitReport, Executor, LaunchSpec, RunSample, StartedRun } from "../executor";
import { jobVariables } from "../job-env";
import { findJobProcesses, groupMembers, groupOf, sampleGroups, terminateGroup } from "./process-tree";

const WRAPPER = `trap 'qm_sig=1' TERM INT HUP; /bin/sh -c "$1" 3>&-; qm_status=$?; times >&3; exit $qm_status`;

interface Pending {
  pid: (pid: number) => void;
  exit: (info: ExitReport) => void;
}

export interface LocalExecutorOptions {
  /** Base environment of every job. */
  jobEnv: NodeJS.ProcessEnv;
  /** QM_Jobs: where runs of an earlier worker are looked for. */
  runningDir: string;
  log: (m: string) => void;
}

export function createLocalExecutor(opts: LocalExecutorOptions): Executor {
  const pending = new Map<number, Pending>();
  let nextId = 1;
  let closing = false;
  let helper: ChildProcess;

  const launch = () => {
    helper = spawn(process.execPath, [path.join(import.meta.dirname, "spawner.mjs")], { env: opts.jobEnv, stdio: ["pipe", "pipe", "inherit"] });
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
      opts.log(`the job spawner stopped unexpectedly (${signal ?? `exit code ${code}`}); restarting it`);
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
    name: "local",
    start(spec: LaunchSpec) {
      const id = nextId++;
      const env = jobVariables(spec);
      let exit!: (info: ExitReport) => void;
      const exited = new Promise<ExitReport>((resolve) => (exit = resolve));
      const pid = new Promise<number>((resolve) => pending.set(id, { pid: resolve, exit }));
      const header = logHeader({ ...spec });
      helper.stdin!.write(`${JSON.stringify({ id, dir: spec.dir, log: path.join(spec.dir, LOG_FILE), header, script: spec.script, wrapper: WRAPPER, env })}\n`);
      return pid.then((value) => ({ pid: value, runInfo: { executor: "local", pid: value }, exited }));
    },
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
      // Not adopted yet: whatever is left of the run is stopped, each group as a whole.
      const pids = findJobProcesses(path.dirname(record.dir)).get(record.dir) ?? [];
      await Promise.all([...new Set(pids.map(groupOf).filter((g) => g > 1))].map((pgid) => terminateGroup(pgid, 0)));
      return { state: "gone", reason: "the worker stopped while it ran" };
    },
    async sweep(_known, graceMs, log) {
      const stopping: Promise<void>[] = [];
      for (const [dir, pids] of findJobProcesses(opts.runningDir)) {
        log(`recovery: stopping ${pids.length} process(es) of ${path.basename(dir)} left by the previous worker`);
        for (const pgid of new Set(pids.map(groupOf).filter((g) => g > 1))) stopping.push(terminateGroup(pgid, graceMs));
      }
      await Promise.all(stopping);
    },
    async close() {
      closing = true;
      helper.stdin!.end();
    },
  };
}
