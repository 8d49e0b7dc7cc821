/**
 * Finding and watching runs by their processes, for runs this worker did not start (or
 * whose spawner died): a run is its wrapper process, identified by pid AND start time
 * (/proc/<pid>/stat field 22), so a reused pid is never taken for the run. Its end is
 * noticed by polling and its outcome read from its exit record.
 */
import fs from "node:fs";
import path from "node:path";
import { exitRecordName, parseExitRecord } from "../../lib/core/exit-record";
import type { ExitReport } from "../executor";
import { isProcessAlive } from "./process-tree";

/** The start time of `pid` in clock ticks since boot, or null when it is gone. */
export function processStartTime(pid: number): string | null {
  try {
    const stat = fs.readFileSync(`/proc/${pid}/stat`, "utf8");
    return stat.slice(stat.lastIndexOf(")") + 2).split(" ")[19] ?? null;
  } catch {
    return null;
  }
}

/** True while the process `pid` that started at `startTime` lives. */
export function isRunAlive(pid: number, startTime: string | null): boolean {
  if (!Number.isInteger(pid) || pid <= 1 || !isProcessAlive(pid)) return false;
  return startTime === null || processStartTime(pid) === startTime;
}

/**
 * The run token and job folder of `pid` (nulls: none, gone, or not ours to read): from its
 * environment (QM_RUN_TOKEN, QM_JOB_DIR), or for a run's wrapper, which the spawner forks
 * without an exec (its environment is the spawner's), from its title "qm-run <token>" and
 * its working directory.
 */
export function runOf(pid: number): { token: string | null; dir: string | null } {
  try {
    const env = fs.readFileSync(`/proc/${pid}/environ`, "utf8");
    const token = /(?:^|\0)QM_RUN_TOKEN=([^\0]*)/.exec(env)?.[1] ?? null;
    const dir = /(?:^|\0)QM_JOB_DIR=([^\0]*)/.exec(env)?.[1] ?? null;
    if (token !== null) return { token, dir };
    const title = /^qm-run ([^\0 ]+)\0*$/.exec(fs.readFileSync(`/proc/${pid}/cmdline`, "utf8"));
    return title ? { token: title[1], dir: fs.readlinkSync(`/proc/${pid}/cwd`) } : { token: null, dir };
  } catch {
    return { token: null, dir: null };
  }
}

/** What identifies a process as part of a run: its owner, process group and session. */
export interface ProcessFacts {
  owner: number | null;
  group: number;
  session: number;
}

/**
 * Of the processes that carry a run's token, its wrapper and the uid its job runs as (a run
 * whose pid was not recorded: the worker died between the start and its record). The token
 * is no secret (process.log's header shows it), so a job may have put it in a process of its
 * own: the wrapper leads its group and, with jobs under other uids, is the worker's (`wrapperUid`,
 * null when jobs run as the worker's own); the job's uid is read from the wrapper's session only.
 */
export function runOfToken(pids: number[], facts: (pid: number) => ProcessFacts, workerUid: number | null, wrapperUid: number | null): { pid: number; uid: number | null } {
  const known = pids.map((pid) => ({ pid, ...facts(pid) }));
  const pid = known.find((p) => p.group === p.pid && (wrapperUid === null || p.owner === wrapperUid))?.pid ?? 0;
  if (!pid) return { pid, uid: null };
  const uid = known.find((p) => p.session === pid && p.owner !== null && p.owner !== workerUid)?.owner ?? null;
  return { pid, uid };
}

/**
 * Live processes of runs in `runningDir` (their QM_JOB_DIR, or a wrapper's working
 * directory, is in it), by run token: never those of another QueueManager on the same machine.
 */
export function processesByRunToken(runningDir: string): Map<string, number[]> {
  const out = new Map<string, number[]>();
  const roots = [...new Set([runningDir, realpathOr(runningDir)])].map((d) => `${d}/`);
  for (const entry of fs.readdirSync("/proc")) {
    const pid = Number(entry);
    if (!/^\d+$/.test(entry) || pid === process.pid) continue;
    const { token, dir } = runOf(pid);
    if (token !== null && dir !== null && roots.some((r) => dir.startsWith(r)) && isProcessAlive(pid)) out.set(token, [...(out.get(token) ?? []), pid]);
  }
  return out;
}

function realpathOr(dir: string): string {
  try {
    return fs.realpathSync(dir);
  } catch {
    return dir;
  }
}

/** What the run's exit record says, with its time (the run's end), or null when there is none (yet). */
export function readExitRecord(runsDir: string, runToken: string) {
  try {
    const file = path.join(runsDir, exitRecordName(runToken));
    const record = parseExitRecord(fs.readFileSync(file, "utf8"));
    return record && { ...record, endedAt: fs.statSync(file).mtime };
  } catch {
    return null;
  }
}

/** How a run ended: its exit record when it wrote one, else what the process status says. */
export function exitReportOf(runsDir: string, runToken: string, status: { exitCode: number | null; signal: string | null; error?: string }): ExitReport {
  const record = readExitRecord(runsDir, runToken);
  if (record) return { exitCode: record.status, signal: null, cpuSeconds: record.cpuSeconds, endedAt: record.endedAt };
  return { exitCode: status.exitCode, signal: status.signal, cpuSeconds: null, ...(status.error ? { error: status.error } : {}) };
}

/** One timer for every watched process: each watch resolves once its process is gone. */
export function createProcessWatch(everyMs = 500) {
  const watched = new Map<number, { startTime: string | null; gone: () => void }>();
  let timer: NodeJS.Timeout | undefined;
  const tick = () => {
    for (const [pid, w] of watched) {
      if (isRunAlive(pid, w.startTime)) continue;
      watched.delete(pid);
      w.gone();
    }
    if (!watched.size) {
      clearInterval(timer);
      timer = undefined;
    }
  };
  return {
    whenGone(pid: number, startTime: string | null): Promise<void> {
      return new Promise((resolve) => {
        watched.set(pid, { startTime, gone: resolve });
        timer ??= setInterval(tick, everyMs);
      });
    },
    close() {
      clearInterval(timer);
      timer = undefined;
    },
  };
}
