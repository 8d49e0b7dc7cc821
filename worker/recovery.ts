/**
 * At start, take over what an earlier worker left, so that every job ends in exactly one
 * place, once, and the database agrees with the folders:
 * - every active row's run is looked for through the executor: still running -> adopted
 *   (watched, killed on request and finished normally); ended meanwhile -> finished with
 *   the outcome of its exit record; gone without a record -> if this run's process.log
 *   header is there it was interrupted (`lost`, or requeued with Recovery = requeue),
 *   otherwise it never began and goes back to the queue;
 * - an active row whose folder is not in QM_Jobs: its run ended just before the crash
 *   (QM_dJobs / QM_lost+found: the footer's outcome), or it was claimed but never moved
 *   (still in QM_qJobs: queued again), or its folder vanished (`lost`);
 * - processes of runs that no active row claims are stopped (executor.sweep);
 * - a folder in QM_Jobs that no job claims goes to QM_lost+found with a `lost` row;
 * - a run that was active through two worker crashes in a row is quarantined;
 * - waiting rows whose folder vanished long ago become `lost` (reapMissingQueued).
 */
import fs from "node:fs";
import path from "node:path";
import { NO_GPU_USAGE } from "../lib/core/gpu-usage";
import { ACTIVE_STATES, type JobState, planTransition } from "../lib/core/job-lifecycle";
import { LOG_FILE, folderStamp, lastFooter, lastHeader, logFooter } from "../lib/core/job-log";
import { appendLogLines, writeNoteFile } from "../lib/server/job-folder-writes";
import { moveFolder, relFolder } from "../lib/server/qm-folders";
import { jobColumns, readJobFolder } from "../lib/server/read-job-folder";
import { readTail } from "../lib/server/read-tail";
import { fileMtime, readHistoricLog } from "../lib/server/history/historic-log";
import { historicOutcome, parseHistoricName } from "../lib/core/qm-history";
import { parseProgress } from "../lib/core/progress";
import type { JobRow } from "../lib/server/store/job-reads";
import { type RunningJob, type WorkerContext, message } from "./context";
import type { FoundRun, StartedRun } from "./executor";
import { notifyOwner } from "./notifier";
import { quarantineReason } from "./quarantine";
import { errorNote } from "./reject";

const LOST_NOTE = "the run was lost while no worker watched it (its processes are gone and it left no exit record)";

/** Waiting rows whose folder has been missing for this long are marked lost. */
export const MISSING_GRACE_MS = 60_000;

const parseRunInfo = (text: string | null): Record<string, unknown> | null => {
  try {
    return text ? (JSON.parse(text) as Record<string, unknown>) : null;
  } catch {
    return null;
  }
};

/** A job row with its run, as the runner tracks running jobs. */
export function runningJobOf(ctx: WorkerContext, row: JobRow, run: StartedRun): RunningJob {
  const dirName = path.basename(row.folder);
  const info = parseRunInfo(row.runInfo) ?? {};
  return {
    cpus: Array.isArray(info.cpus) ? (info.cpus as number[]) : [],
    // The devices it holds stay its own: no new run gets them while it runs on.
    gpus: Array.isArray(info.gpus) ? (info.gpus as number[]) : [],
    nbGpu: row.nbGpu,
    gpuUsage: NO_GPU_USAGE,
    memMb: typeof info.memMb === "number" ? info.memMb : null,
    walltimeSeconds: typeof info.walltimeSeconds === "number" ? info.walltimeSeconds : null,
    id: row.id, name: row.name, owner: row.owner, info: row.info, script: row.script, dir: path.join(ctx.layout.running, dirName), dirName,
    granted: Number(parseRunInfo(row.runInfo)?.granted ?? row.nbProc), startedAt: row.startedAt ?? new Date(), runToken: row.runToken ?? "",
    run, state: row.state === "pending" ? "pending" : "running", peakMemoryKb: row.peakMemoryKb, progress: row.progress,
    killRequestedBefore: row.killRequestedAt !== null,
  };
}

/** Where an adopted run is, for the log: its process here, or its job in Slurm (no process here: pid 0). */
export function whereRuns(run: Pick<StartedRun, "pid" | "runInfo">): string {
  if (run.pid) return `pid ${run.pid}`;
  const slurmJobId = (run.runInfo as { slurmJobId?: string | null }).slurmJobId;
  return slurmJobId ? `Slurm job ${slurmJobId}` : "in Slurm";
}

/**
 * Runs started by the other executor (QMserv.cfg's executor changed while jobs ran): this
 * worker cannot look for them (a local run is not in Slurm, a Slurm job is not a process
 * here) and would record them lost while they run on, their folders moved under them. It
 * refuses to start instead, saying what to do.
 */
export function refuseForeignRuns(rows: Pick<JobRow, "id" | "runInfo">[], executor: string): void {
  const foreign = rows.flatMap((row) => {
    const started = parseRunInfo(row.runInfo)?.executor;
    return typeof started === "string" && started !== executor ? [{ id: row.id, started }] : [];
  });
  if (!foreign.length) return;
  const other = foreign[0].started;
  const ids = foreign.map((f) => f.id).join(", ");
  throw new Error(
    `job${foreign.length === 1 ? "" : "s"} ${ids} ${foreign.length === 1 ? "runs" : "run"} with executor = ${other}, which a worker with executor = ${executor} cannot follow (it would record ${foreign.length === 1 ? "it" : "them"} lost while ${foreign.length === 1 ? "it runs" : "they run"}). ` +
      `Set executor = ${other} again in QMserv.cfg and start the worker; change the executor once no job runs (pause the queue and let them end, or kill or requeue them)`,
  );
}

/** Repair and take over; returns the runs to track (still running, or ended and to be finished). */
export async function recover(ctx: WorkerContext, opts: { afterCrash: boolean }): Promise<RunningJob[]> {
  const { store, layout, executor } = ctx;
  const tracked: RunningJob[] = [];
  const running = new Set<string>();
  const claimed = new Set<string>();
  const active = await store.jobsIn([...ACTIVE_STATES]);
  refuseForeignRuns(active, executor.name);
  for (const row of active) {
    claimed.add(row.folder);
    try {
      const dir = path.join(layout.root, row.folder);
      if (!row.folder.startsWith("QM_Jobs/") || !fs.existsSync(dir)) {
        await settleElsewhere(ctx, row);
        continue;
      }
      const found = row.runToken
        ? await executor.find({ jobId: row.id, runToken: row.runToken, dir, runInfo: parseRunInfo(row.runInfo), startedAt: row.startedAt ?? new Date() })
        : ({ state: "gone", reason: "started by an earlier version" } as FoundRun);
      if (found.state === "gone" && found.notStarted) {
        await backToQueue(ctx, row, found.reason);
        continue;
      }
      if (found.state === "gone") {
        const header = lastHeader(readTail(path.join(dir, LOG_FILE), 1 << 20));
        const began = header?.jobId === row.id && (header.runToken === row.runToken || row.runToken === null);
        if (began) await endInterrupted(ctx, row);
        else await backToQueue(ctx, row, "it had not started when the worker stopped");
        continue;
      }
      const run: StartedRun = found.state === "running" ? found.run : { pid: 0, runInfo: {}, exited: Promise.resolve(found.exit) };
      const job = runningJobOf(ctx, row, run);
      if (found.state === "running") {
        running.add(job.runToken);
        await store.update(row.id, { state: row.state }, { pid: run.pid, runInfo: JSON.stringify({ ...parseRunInfo(row.runInfo), ...run.runInfo }) });
        const reason = opts.afterCrash ? await quarantineReason(ctx, row) : null;
        if (reason) {
          job.quarantined = reason;
          ctx.executor.terminate(run, 0, () => (job.killSignal = "SIGKILL"));
          job.killSignal ??= "SIGTERM";
        }
        ctx.log(`recovery: still runs (${whereRuns(run)}): ${reason ? `quarantined: ${reason}` : "adopted"}`, { job: row.id });
      } else {
        ctx.log("recovery: ended while no worker ran; recording it", { job: row.id });
      }
      tracked.push(job);
    } catch (error) {
      ctx.log.error(`recovery: cannot repair ${row.folder}: ${message(error)}`, { job: row.id });
    }
  }
  await executor.sweep(running, ctx.config().killGraceMs, ctx.log);
  for (const name of fs.readdirSync(layout.running)) {
    if (name.startsWith(".") || claimed.has(relFolder("running", name))) continue;
    await strayFolder(ctx, name).catch((e) => ctx.log.error(`recovery: cannot repair QM_Jobs/${name}: ${message(e)}`));
  }
  await reapMissingQueued(ctx);
  return tracked;
}

/** A QM_Jobs folder no active row claims: a queued row of an earlier version's start, or nobody's. */
async function strayFolder(ctx: WorkerContext, name: string): Promise<void> {
  const { layout, store } = ctx;
  const row = await store.waitingByFolder(relFolder("queued", name));
  if (row) return backToQueue(ctx, row, "it had not started when the worker stopped", name);
  const now = new Date();
  const moved = await moveFolder(path.join(layout.running, name), layout.lost, `${folderStamp(now)}-${name}`);
  writeNoteFile(path.join(layout.lost, moved, "qm-error.txt"), errorNote("this folder was found in QM_Jobs with no record of a job; QueueManager did not start it", ["Nothing to fix in the folder itself."], now, layout.queued));
  // A run of the Python QM's (stopped while it ran): how far it got, from its process.log,
  // and its times by the history import's rule (lib/core/qm-history.ts): it ran from its
  // log's start until about the log's last write (a QM 0.4 run stopped years ago), not until
  // now, which counted the years in its duration and the statistics' wall time.
  const dir = path.join(layout.lost, moved);
  const { text, facts } = readHistoricLog(dir);
  const lastWrite = fileMtime(path.join(dir, LOG_FILE)) ?? now;
  const times = historicOutcome({ queue: "lost", name: parseHistoricName(name), log: facts, infoMtime: fileMtime(path.join(dir, ctx.config().jobFile)), lastWrite });
  const id = await store.createJob(
    { name, ...strayColumns(ctx, dir), submittedAt: times.submittedAt, folder: relFolder("lost", moved), source: "folder" },
    planTransition("orphan", null, "lost", { error: "found in QM_Jobs with no record", finishedAt: times.finishedAt, startedAt: times.startedAt, progress: parseProgress(text) }, "found in QM_Jobs at start with no record"),
  );
  ctx.log.warn(`recovery: QM_Jobs/${name} was found with no record of a job; moved to ${relFolder("lost", moved)}`, { job: id });
}

/** What the stray folder's info file says (its owner may then requeue it), or nothing when it has none that reads. */
function strayColumns(ctx: WorkerContext, dir: string): Partial<ReturnType<typeof jobColumns>> & { script: string } {
  const config = ctx.config();
  try {
    return jobColumns(readJobFolder(dir, { jobFile: config.jobFile, strict: config.strictJobFile }), config.maxUserPriority);
  } catch {
    return { script: "" };
  }
}

/** A job whose run never began: its folder goes back to QM_qJobs and it waits again. */
async function backToQueue(ctx: WorkerContext, row: JobRow, why: string, name = path.basename(row.folder)): Promise<void> {
  const back = relFolder("queued", await moveFolder(path.join(ctx.layout.running, name), ctx.layout.queued, name));
  if (row.state === "queued") await ctx.store.update(row.id, { state: "queued" }, { folder: back });
  else await ctx.store.transition(row.id, planTransition("requeue", row.state, "queued", { folder: back }, why), { state: row.state });
  ctx.log(`recovery: ${why}; back in QM_qJobs`, { job: row.id });
}

async function endInterrupted(ctx: WorkerContext, row: JobRow): Promise<void> {
  const { store, layout } = ctx;
  const name = path.basename(row.folder);
  const now = new Date();
  const startedAt = row.startedAt ?? now;
  const src = path.join(layout.running, name);
  // Its kill was asked for before it was lost: gone as asked, never run again.
  const killed = row.killRequestedAt !== null;
  const note = killed ? `${LOST_NOTE}; its kill had been asked for: killed on request` : LOST_NOTE;
  appendLogLines(path.join(src, LOG_FILE), logFooter({ jobId: row.id, at: now, exitCode: null, signal: null, durationMs: now.getTime() - startedAt.getTime(), note, outcome: "outcome unknown" }));
  if (ctx.config().recovery === "requeue" && !killed) {
    const back = await moveFolder(src, layout.queued, name);
    await store.transition(row.id, planTransition("requeue", row.state, "queued", { folder: relFolder("queued", back) }, `${LOST_NOTE}; requeued (Recovery = requeue)`), { state: row.state });
    ctx.log("recovery: requeued", { job: row.id });
    return;
  }
  const moved = await moveFolder(src, layout.lost, `${folderStamp(now)}-${name}`);
  const folder = relFolder("lost", moved);
  writeNoteFile(path.join(layout.lost, moved, "qm-error.txt"), errorNote(note, ["Look at process.log to see how far it got; results may be incomplete."], now, layout.queued));
  const state = killed ? "killed" : "lost";
  await store.transition(row.id, planTransition("end", row.state, state, { folder, finishedAt: now, pid: null, error: note }, note), { state: row.state });
  ctx.log.warn(`recovery: ${state} -> ${folder}`, { job: row.id });
  notifyOwner(ctx, {
    id: row.id, name: row.name, owner: row.owner, info: row.info, state, exitCode: null, signal: null,
    durationMs: now.getTime() - startedAt.getTime(), cpuSeconds: null, folder, logPath: path.join(layout.lost, moved, LOG_FILE),
  });
}

const escapeRegExp = (text: string) => text.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");

/** An active row without a QM_Jobs folder: where did its run end (or did it never move)? */
async function settleElsewhere(ctx: WorkerContext, row: JobRow): Promise<void> {
  const { store, layout } = ctx;
  const name = path.basename(row.folder);
  const guard = { state: row.state };
  for (const dir of ["done", "lost"] as const) {
    const pattern = new RegExp(`-${escapeRegExp(name)}(-\\d+)?$`);
    for (const candidate of fs.readdirSync(layout[dir]).filter((n) => pattern.test(n)).sort().reverse()) {
      const text = readTail(path.join(layout[dir], candidate, LOG_FILE), 1 << 20);
      if (lastHeader(text)?.jobId !== row.id) continue;
      const footer = lastFooter(text);
      const state: JobState = dir === "done" ? "done" : footer?.signal ? "killed" : "failed";
      const fields = { folder: relFolder(dir, candidate), finishedAt: new Date(), exitCode: footer?.exitCode ?? null, signal: footer?.signal ?? null, pid: null };
      await store.transition(row.id, planTransition("end", row.state, state, fields, "recorded at start: the worker stopped just after the job ended"), guard);
      ctx.log(`recovery: it ended before the worker stopped but was not recorded; recorded ${state} -> ${fields.folder}`, { job: row.id });
      return;
    }
  }
  // Claimed but not moved yet (crash between the row and the rename): still in QM_qJobs.
  if (fs.existsSync(path.join(layout.queued, name))) {
    const plan = planTransition("requeue", row.state, "queued", { folder: relFolder("queued", name) }, "it had not started when the worker stopped");
    await store.transition(row.id, plan, guard);
    ctx.log("recovery: it had not started when the worker stopped; back in QM_qJobs", { job: row.id });
    return;
  }
  const error = "its folder disappeared while the worker was stopped";
  await store.transition(row.id, planTransition("end", row.state, "lost", { finishedAt: new Date(), pid: null, error }, "folder not found at start"), guard);
  ctx.log.warn(`recovery: lost: ${error} (${row.folder})`, { job: row.id });
}

/** Waiting rows unchanged for MISSING_GRACE_MS (an upload writes its row just before its folder) whose folder is gone become `lost`. */
export async function reapMissingQueued(ctx: WorkerContext): Promise<void> {
  for (const row of await ctx.store.waitingSince(new Date(Date.now() - MISSING_GRACE_MS))) {
    if (fs.existsSync(path.join(ctx.layout.root, row.folder))) continue;
    const error = `its folder ${row.folder} disappeared before it could start`;
    const plan = planTransition("vanish", row.state, "lost", { error, finishedAt: new Date() }, error);
    if (await ctx.store.transition(row.id, plan, { state: row.state, folder: row.folder })) ctx.log.warn(error, { job: row.id });
  }
}
