/**
 * The one poller of the Slurm executor: every `slurm_poll_interval`, a single `squeue --me
 * --states=all` for all runs (never a call per job), matched by Slurm job id and by name.
 * A squeue that fails or times out means "unknown": nothing changes, and the next look
 * backs off (doubling, up to 30 s). A new exit record in .qm/runs (inotify, when the
 * node writes to a local or inotify-capable filesystem) brings the next look forward.
 * Idle (no run), it only reads the cluster's figures (sinfo) every 30 s for the dashboard.
 */
import fs from "node:fs";
import path from "node:path";
import { LOG_FILE } from "../../lib/core/job-log";
import { appendLogLines } from "../../lib/server/job-folder-writes";
import { type LogInput, toLog } from "../../lib/server/logger";
import type { ClusterStats } from "../../lib/core/worker-stats";
import type { Accounting } from "./accounting";
import { SINFO_FORMAT, parseSinfo } from "./cluster-stats";
import { readRunFiles, removeTimeoutMark } from "./run-files";
import type { SlurmRunner } from "./slurm-cli";
import { NEVER_HANDED, type SlurmRun } from "./slurm-run";
import { type Evidence, type QueueEntry, SQUEUE_FORMAT, endedBySignal, judgeEnd, killedBeforeRecord, parseSqueue, phaseOf } from "./slurm-states";

export const CLUSTER_STATS_MS = 30_000;
const MAX_BACKOFF_MS = 30_000;
/** Next look when a run's exit record is there but Slurm has not finished the job yet (for the first few seconds). */
const SOON_MS = 100;
const SOON_FOR_MS = 5_000;
/** An answer this recent serves the lookups of a restart (find, sweep: one squeue for all the active rows). */
const RECENT_MS = 2_000;

/** One squeue answer, and when it was asked (a job submitted after that cannot be in it). */
export interface Snapshot {
  askedAt: number;
  entries: QueueEntry[];
}

export interface PollerDeps {
  cli: SlurmRunner;
  runs: Map<string, SlurmRun>;
  runsDir: string;
  pollMs: () => number;
  /** How long an ended run's exit record is waited for (NFS may show it late). */
  graceMs: number;
  /** Trouble reaching Slurm is a warning (`journalctl -p warning` shows it). */
  log: LogInput;
  accounting: Accounting;
  /** Work done after each successful look: submissions and cancels waiting for Slurm. */
  afterLook: (snapshot: Snapshot) => Promise<void>;
}

export interface Poller {
  /** One squeue shared by everyone asking at the same time; null when Slurm did not answer. */
  snapshot(): Promise<Snapshot | null>;
  /** The last answer if it is at most a couple of seconds old, else a new one. */
  recentSnapshot(): Promise<Snapshot | null>;
  /** Look again soon (a run was submitted, cancelled, or wrote its exit record). */
  poke(): void;
  /** Slurm did not answer the last look. */
  unreachable(): boolean;
  cluster(): ClusterStats | undefined;
  close(): void;
}

/**
 * When the wrapper says the job started (`=== Slurm job N started <time> on <node>`, its
 * first line after the header in process.log): for a job squeue no longer lists. Only runs
 * started by this worker know where that line is; null when it is not found.
 */
export function wrapperStart(run: Pick<SlurmRun, "dir" | "slurmJobId" | "logOffset">): Date | null {
  if (run.logOffset === undefined || !run.slurmJobId) return null;
  let text: string;
  try {
    const fd = fs.openSync(path.join(run.dir, LOG_FILE), "r");
    try {
      const buffer = Buffer.alloc(64 * 1024);
      text = buffer.subarray(0, fs.readSync(fd, buffer, 0, buffer.length, run.logOffset)).toString("utf8");
    } finally {
      fs.closeSync(fd);
    }
  } catch {
    return null;
  }
  const m = new RegExp(`^=== Slurm job ${run.slurmJobId} started (\\d{4}-\\d\\d-\\d\\dT\\d\\d:\\d\\d:\\d\\dZ) on `, "m").exec(text);
  return m ? new Date(m[1]) : null;
}

export function createPoller(deps: PollerDeps): Poller {
  const log = toLog(deps.log, () => false);
  let asking: Promise<Snapshot | null> | null = null;
  let last: Snapshot | null = null;
  let failures = 0;
  let timer: NodeJS.Timeout | undefined;
  let looking = false;
  let again = false;
  let closed = false;
  let cluster: ClusterStats | undefined;
  let clusterAt = 0;

  const snapshot = () => {
    if (asking) return asking;
    const askedAt = Date.now();
    asking = deps
      .cli("squeue", ["--me", "--states=all", "--noheader", `--format=${SQUEUE_FORMAT}`])
      .then((text) => {
        if (failures) deps.log(`slurm: squeue answers again after ${failures} failed look(s)`);
        failures = 0;
        last = { askedAt, entries: parseSqueue(text) };
        return last;
      })
      .catch((error: Error) => {
        if (failures++ === 0) log.warn(`slurm: squeue failed (${error.message}); job states are unknown and nothing is decided until Slurm answers`);
        return null;
      })
      .finally(() => (asking = null));
    return asking;
  };

  /** The entries of one run in this answer: by its Slurm job id, else by its name. */
  const entryOf = (run: SlurmRun, snap: Snapshot) => {
    const named = snap.entries.filter((e) => e.slurmJobId === run.slurmJobId || e.name === run.name);
    return named.find((e) => e.slurmJobId === run.slurmJobId) ?? named.find((e) => phaseOf(e.state) !== "ended") ?? named[0];
  };

  /** Follow one run with this answer (and sacct's word on jobs squeue forgot); true when its exit record is there but Slurm still runs it. */
  const follow = (run: SlurmRun, snap: Snapshot, files: ReturnType<typeof readRunFiles>, accounted: Map<string, string>, now: number): boolean => {
    if (run.ended || run.submission) return false;
    const entry = entryOf(run, snap);
    if (!entry && run.acceptedAt > snap.askedAt) return false;
    if (run.unsubmitted && !entry && !files.record(run.runToken)) {
      // Adopted while Slurm did not answer, and not in Slurm now either: it never ran.
      deps.runs.delete(run.runToken);
      run.finish({ exitCode: null, signal: null, cpuSeconds: null, unsubmitted: true, error: NEVER_HANDED, runInfo: { ...run.info } });
      return false;
    }
    run.unsubmitted = false;
    const phase = entry ? phaseOf(entry.state) : "ended";
    const sacctState = !entry && run.slurmJobId ? accounted.get(run.slurmJobId) : undefined;
    const endState = entry?.state ?? (sacctState && phaseOf(sacctState) === "ended" ? sacctState : null);
    const record = files.record(run.runToken);
    if (entry) {
      run.slurmJobId = entry.slurmJobId;
      run.info = { ...run.info, slurmJobId: entry.slurmJobId, slurmState: entry.state, node: entry.node || run.info.node, partition: entry.partition || run.info.partition, reason: phase === "waiting" ? entry.reason : null };
      if (phase !== "waiting") run.running = true;
      // An ended job's start is a start only if its command ran (one cancelled while pending has one too).
      if (entry.startedAt && (phase === "running" || record)) run.startedAt = entry.startedAt;
    }
    if (phase === "ended" || record) {
      run.waitingSince ??= now;
      // A kill explains a missing exit record only for a run that began: one cancelled while pending never ran (no start, no signal).
      const evidence: Evidence = { slurmJobId: run.slurmJobId, state: endState, record, timeoutMark: files.timeoutMarked(run.runToken), waitedMs: now - run.waitingSince, graceMs: deps.graceMs, killRequested: run.killRequested && run.startedAt !== undefined };
      const report = judgeEnd(evidence);
      if (report) {
        deps.runs.delete(run.runToken);
        if (!report.limit && killedBeforeRecord(evidence)) sayKilledBeforeRecord(run, endState);
        const startedAt = run.startedAt ?? (record ? wrapperStart(run) : null);
        run.finish({ ...report, runInfo: { ...run.info }, ...(startedAt ? { startedAt } : {}) });
        removeTimeoutMark(deps.runsDir, run.runToken);
        return false;
      }
    } else {
      run.waitingSince = undefined;
    }
    run.notify();
    return record !== null && now - (run.waitingSince ?? now) < SOON_FOR_MS;
  };

  /** Why a killed run has no exit code: in process.log above the footer, and in the worker's log. */
  const sayKilledBeforeRecord = (run: SlurmRun, endState: string | null) => {
    const ended = `Slurm job ${run.slurmJobId} ${endState ? `ended ${endState}` : "is gone"}`;
    log.info(`slurm: ${ended} after QueueManager's kill and before its wrapper recorded the exit code: killed (SIGKILL)`, { job: run.jobId });
    try {
      appendLogLines(path.join(run.dir, LOG_FILE), `=== ${ended}: Slurm killed the job (SIGKILL, KillWait after the SIGTERM) before its exit code was recorded\n`);
    } catch {
      // The footer still says killed by SIGKILL.
    }
  };

  const refreshCluster = async () => {
    if (Date.now() - clusterAt < CLUSTER_STATS_MS) return;
    clusterAt = Date.now();
    try {
      cluster = parseSinfo(await deps.cli("sinfo", ["--noheader", `--format=${SINFO_FORMAT}`]), new Date());
    } catch {
      // The last figures stay, with their time: the dashboard shows how old they are.
    }
  };

  const look = async () => {
    if (closed) return;
    if (looking) {
      again = true;
      return;
    }
    looking = true;
    let soon = false;
    try {
      if (deps.runs.size) {
        const snap = await snapshot();
        if (snap) {
          const files = readRunFiles(deps.runsDir);
          const runs = [...deps.runs.values()];
          // Gone from squeue without a record, or with the record of a command a signal ended
          // (a node failure's doing if sacct says NODE_FAIL): sacct says how Slurm saw the end.
          const unexplained = (r: SlurmRun) => !files.record(r.runToken) || endedBySignal(files.record(r.runToken));
          const forgotten = runs.filter((r) => r.slurmJobId && !r.submission && !entryOf(r, snap) && unexplained(r)).map((r) => r.slurmJobId!);
          const accounted = await deps.accounting.states(forgotten);
          const now = Date.now();
          for (const run of runs) soon = follow(run, snap, files, accounted, now) || soon;
          await deps.afterLook(snap);
        }
      }
      await refreshCluster();
    } catch (error) {
      log.warn(`slurm: poll failed: ${(error as Error).message}`);
    } finally {
      looking = false;
    }
    const every = deps.pollMs();
    schedule(failures ? Math.min(every * 2 ** failures, MAX_BACKOFF_MS) : again || soon ? SOON_MS : every);
    again = false;
  };

  const schedule = (ms: number) => {
    if (closed) return;
    clearTimeout(timer);
    timer = setTimeout(() => void look(), ms);
  };

  let watcher: fs.FSWatcher | undefined;
  try {
    watcher = fs.watch(deps.runsDir, (_event, name) => {
      if (name && name.endsWith(".exit") && deps.runs.has(name.slice(0, -".exit".length)) && !failures) schedule(20);
    });
    watcher.on("error", () => undefined);
  } catch {
    // No inotify here (or on this filesystem): the interval alone finds the ends.
  }
  schedule(0);

  return {
    snapshot,
    recentSnapshot: () => (last && Date.now() - last.askedAt < RECENT_MS ? Promise.resolve(last) : snapshot()),
    poke: () => {
      if (!failures) schedule(20);
    },
    unreachable: () => failures > 0,
    cluster: () => cluster,
    close() {
      closed = true;
      clearTimeout(timer);
      watcher?.close();
    },
  };
}
