/**
 * A run has ended: stop anything it left in the background, write the footer, move the
 * folder (QM_dJobs, QM_lost+found, or back to QM_qJobs at shutdown), then record the
 * outcome (a guarded transition: row and event together) and mail the owner. The folder
 * moves before the row changes, so a finished row always names a folder that exists.
 */
import fs from "node:fs";
import path from "node:path";
import { endQueueOf } from "../lib/core/end-folder";
import { exitRecordName } from "../lib/core/exit-record";
import { gpuUsageSummary } from "../lib/core/gpu-usage";
import { type EndState, endStateOf, planTransition } from "../lib/core/job-lifecycle";
import { LOG_FILE, folderStamp, lastRunOutput, logFooter, outcomeWords } from "../lib/core/job-log";
import { formatDuration } from "../lib/core/format";
import { parseProgress } from "../lib/core/progress";
import { appendLogLines, writeNoteFile } from "../lib/server/job-folder-writes";
import { moveFolder, relFolder } from "../lib/server/qm-folders";
import { readTail } from "../lib/server/read-tail";
import { type RunningJob, type WorkerContext, message } from "./context";
import type { ExitReport } from "./executor";
import { settleDependents } from "./dependencies";
import { notifyOwner } from "./notifier";
import { runInfoText } from "./run-changes";
import { formatWalltime } from "../lib/core/run-limits";
import { errorNote } from "./reject";
import { RECORD_RETRY_MS, untilRecorded } from "./until-recorded";

export async function finishJob(ctx: WorkerContext, job: RunningJob, exit: ExitReport): Promise<void> {
  // Its pid and details if they were not written yet: this end writes them (pid cleared).
  const unrecorded = ctx.runRecords.take(job.id);
  const limit = job.limit ?? exit.limit;
  // Asked to stop: signalled by this worker, or asked before a restart and lost since (no exit
  // record says otherwise: a run that ended on its own before the kill was acted on ends as it says).
  const killRequested = job.killSignal !== undefined || (job.killRequestedBefore === true && exit.lost === true);
  const state: EndState = job.quarantined ? "lost" : endStateOf({ ...exit, killRequested, limit });
  // A run the executor lost (a failed Slurm node...) goes back to the queue with Recovery = requeue.
  const lostAgain = state === "lost" && !job.quarantined && !job.shutdown && ctx.config().recovery === "requeue";
  const requeue = job.shutdown === true || lostAgain || exit.unsubmitted === true;
  // A run that ended while no worker ran ended when its exit record was written, not now.
  const finishedAt = exit.endedAt ?? new Date();
  // Ended while its executor still held it back (killed or refused while pending in Slurm's
  // queue): it never ran, so it has no start and no run time; what it waited is said instead.
  const neverStarted = job.state === "pending" && exit.exitCode === null && exit.signal === null && !exit.unsubmitted;
  // A kill of a run that never started signalled nothing: it was taken out of the queue.
  const signal = job.killSignal && state !== "done" && !neverStarted ? (exit.signal ?? job.killSignal) : exit.signal;
  // A job that went on past such a kill (a shell running the next line) still ends as itself says, but not in silence.
  const memoryKilled = state !== "oom" && (exit.memoryKills ?? 0) > 0 ? `${exit.memoryKills} of its processes killed by the kernel for using more than ${memoryWords(job)}; its results may be incomplete${job.memMb ? ": ask for more with mem = ..." : ""}` : null;
  const notes = [
    job.quarantined,
    exit.error && !job.quarantined && (exit.lost ? `lost: ${exit.error}` : exit.notStarted || exit.unsubmitted ? exit.error : `the run could not be watched to its end: ${exit.error}`),
    exit.cancelled && job.killSignal === undefined && "cancelled from outside QueueManager (scancel)",
    !requeue && state === "killed" && killRequested && "killed on request",
    state === "timeout" && `stopped at its walltime (${formatWalltime(job.walltimeSeconds ?? 0)})`,
    state === "oom" && `killed for using more than ${memoryWords(job)}`,
    memoryKilled,
    job.shutdown && "stopped because the worker shut down; the job was put back in QM_qJobs and will run again",
    lostAgain && "put back in QM_qJobs to run again (Recovery = requeue)",
    (exit.leftovers ?? 0) > 0 && `${exit.leftovers} process(es) left running in the background by the script were stopped`,
    neverStarted && `it never started: it waited ${formatDuration(finishedAt.getTime() - job.startedAt.getTime())} in Slurm's queue`,
  ].filter(Boolean);
  const logPath = path.join(job.dir, LOG_FILE);
  // Its executor may know when it really began (Slurm's start, not the claim): it ran from then.
  const ranFrom = !neverStarted && exit.startedAt ? exit.startedAt : job.startedAt;
  const durationMs = neverStarted ? 0 : finishedAt.getTime() - ranFrom.getTime();
  const footer = logFooter({ jobId: job.id, at: finishedAt, exitCode: exit.exitCode, signal, durationMs, state: requeue ? "queued" : state, note: notes.join("; ") || undefined });
  /** Not written for want of space (the job filled the disk): written once there is room. */
  let footerOwed = false;
  try {
    appendLogLines(logPath, footer);
  } catch (error) {
    footerOwed = isDiskFull(error);
    ctx.log.warn(`cannot write the footer: ${message(error)}${footerOwed ? "; it is written once there is room" : ""}`, { job: job.id });
  }
  const progress = parseProgress(lastRunOutput(readTail(logPath, 8192))) ?? job.progress;
  const to = requeue ? "queued" : endQueueOf(state, ctx.config());
  let folder = relFolder("running", job.dirName);
  try {
    const name = requeue ? job.dirName : `${folderStamp(finishedAt)}-${job.dirName}`;
    folder = relFolder(to, await moveFolder(job.dir, ctx.layout[to], name));
    if (job.quarantined) writeNoteFile(path.join(ctx.layout.root, folder, "qm-error.txt"), errorNote(job.quarantined, ["Look at process.log; fix what makes the job take the worker down, or requeue it as it is if you trust it."], finishedAt, ctx.layout.queued));
  } catch (error) {
    ctx.log.error(`cannot move ${folder}: ${message(error)}`, { job: job.id });
  }
  if (footerOwed) void writeWhenRoom(ctx, job.id, path.join(ctx.layout.root, folder, LOG_FILE), footer);
  // The folder has moved: its row must follow, even if the database refuses for a while.
  const recording = { log: ctx.log, job: job.id, stopping: ctx.stopping };
  if (requeue) {
    const why = lostAgain ? `${exit.error}; requeued (Recovery = requeue)` : exit.unsubmitted ? `${exit.error}; back in QM_qJobs` : "the worker shut down while the job ran; it was stopped and will run again";
    await untilRecorded(() => ctx.store.transition(job.id, planTransition("requeue", job.state, "queued", { folder }, why), { state: job.state }), recording);
    fs.rmSync(path.join(ctx.layout.runs, exitRecordName(job.runToken)), { force: true });
    return;
  }
  const cpuSeconds = exit.cpuSeconds ?? job.sampledCpuSeconds ?? null;
  const gpu = gpuUsageSummary(job.gpuUsage);
  const detail = outcomeWords(exit.exitCode, signal);
  const runInfo = exit.runInfo ? { runInfo: runInfoText(job, exit.runInfo) } : unrecorded?.runInfo ? { runInfo: unrecorded.runInfo } : {};
  const plan = planTransition(
    "end", job.state, state,
    {
      folder, finishedAt, exitCode: exit.exitCode, signal, cpuSeconds, peakMemoryKb: exit.peakMemoryKb ?? job.peakMemoryKb, progress, pid: null,
      // The job page shows it in its error box, qm show and qm wait say it.
      error: job.quarantined ?? limitError(state, job) ?? exit.error ?? (memoryKilled && `${memoryKilled}.`) ?? null, ...gpu, ...runInfo,
      ...(neverStarted ? { startedAt: null } : exit.startedAt ? { startedAt: exit.startedAt } : {}),
    },
    notes.length ? `${detail}; ${notes.join("; ")}` : detail,
  );
  if (!(await untilRecorded(() => ctx.store.transition(job.id, plan, { state: job.state }), recording))) {
    ctx.log.warn(`its row was not ${job.state} any more; outcome ${state} not recorded`, { job: job.id });
    return;
  }
  fs.rmSync(path.join(ctx.layout.runs, exitRecordName(job.runToken)), { force: true });
  // A run that could not start (a Slurm refusal, no uid left...), was lost or could not be
  // watched is the administrator's business (a wrong slurm_partition fails every job): a warning.
  if (exit.error) ctx.log.warn(`${state}: ${exit.error} -> ${folder}`, { job: job.id });
  else ctx.log.debug(`${state} (${detail}) -> ${folder}`, { job: job.id });
  notifyOwner(ctx, {
    id: job.id, name: job.name, owner: job.owner, info: job.info, state, exitCode: exit.exitCode, signal,
    durationMs, cpuSeconds, folder, logPath: path.join(ctx.layout.root, folder, LOG_FILE),
    usage: { granted: job.granted, memMb: job.memMb, peakMemoryKb: plan.patch.peakMemoryKb ?? null, walltimeSeconds: job.walltimeSeconds, error: plan.patch.error, gpus: job.gpus, nbGpu: job.nbGpu, ...gpu },
  });
  await settleDependents(ctx, [job.id]);
}

/** What the owner reads on the job page when a limit ended the run. */
function limitError(state: EndState, job: RunningJob): string | null {
  if (state === "timeout") return `The job reached its walltime (${formatWalltime(job.walltimeSeconds ?? 0)}) and was stopped. Ask for more with walltime = ... (or #QM walltime=...).`;
  if (state === "oom") return `The job used more than ${memoryWords(job)} and was killed by the kernel.${job.memMb ? " Ask for more with mem = ... (or #QM mem=...)." : ""}`;
  return null;
}

/** The memory a kernel's kill was about: the job's limit, or with none the machine's (its out-of-memory killer). */
function memoryWords(job: RunningJob): string {
  return job.memMb ? `its memory limit (${job.memMb}M)` : "the memory the machine had left (no mem limit: the kernel's out-of-memory killer)";
}

const isDiskFull = (error: unknown) => ["ENOSPC", "EDQUOT"].includes((error as NodeJS.ErrnoException).code ?? "");

/**
 * The footer of a run that ended on a full disk, appended to its process.log (in its new
 * folder) once space is freed: tried again every few seconds in the background, as its row
 * is (until-recorded.ts), until it is written, the folder is gone, or the worker stops.
 */
async function writeWhenRoom(ctx: WorkerContext, jobId: number, logPath: string, footer: string): Promise<void> {
  while (!ctx.stopping()) {
    await new Promise((resolve) => setTimeout(resolve, RECORD_RETRY_MS));
    try {
      appendLogLines(logPath, footer);
      ctx.log.info("its footer is written to process.log now (the disk was full at its end)", { job: jobId });
      return;
    } catch (error) {
      if (!isDiskFull(error)) {
        ctx.log.warn(`its footer is not written: ${message(error)}`, { job: jobId });
        return;
      }
    }
  }
}
