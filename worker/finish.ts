/**
 * A job's process has ended: stop anything it left in the background, write the
 * footer, move the folder (QM_dJobs, QM_lost+found, or back to QM_qJobs at shutdown),
 * record the outcome (row + event in one transaction), then mail the owner.
 */
import fs from "node:fs";
import path from "node:path";
import { folderStamp, logFooter } from "../lib/core/job-log";
import { parseProgress } from "../lib/core/progress";
import { type RunningJob, type WorkerContext, message } from "./context";
import { type ExitInfo, LOG_FILE } from "./executor";
import { moveFolder, readTail, relFolder } from "./job-folders";
import { groupMembers, signalGroup } from "./process-tree";
import { notifyOwner } from "./notifier";

type Outcome = "done" | "failed" | "killed" | "requeue";

function outcomeOf(job: RunningJob, exit: ExitInfo): Outcome {
  if (job.shutdown) return "requeue";
  if (job.killSignal) return "killed";
  return exit.exitCode === 0 && !exit.signal && !exit.error ? "done" : "failed";
}

/** Processes of the group still alive after the script ended get TERM, then KILL after Kill_Grace. */
function stopLeftovers(ctx: WorkerContext, job: RunningJob): string | undefined {
  if (job.pid <= 1) return undefined; // never started
  try {
    process.kill(-job.pid, 0);
  } catch {
    return undefined; // The group is empty: the usual case.
  }
  const members = groupMembers(job.pid);
  if (!members.length) return undefined;
  signalGroup(job.pid, "SIGTERM");
  const timer = setTimeout(() => {
    if (groupMembers(job.pid).length) signalGroup(job.pid, "SIGKILL");
  }, ctx.config().killGraceMs);
  timer.unref();
  return `${members.length} process(es) left running in the background by the script were stopped`;
}

export async function finishJob(ctx: WorkerContext, job: RunningJob, exit: ExitInfo): Promise<void> {
  clearTimeout(job.killTimer);
  const outcome = outcomeOf(job, exit);
  const finishedAt = new Date();
  const signal = job.killSignal && outcome !== "done" ? (exit.signal ?? job.killSignal) : exit.signal;
  const notes = [
    exit.error && `the script could not be started: ${exit.error}`,
    outcome === "killed" && "killed on request",
    outcome === "requeue" && "stopped because the worker shut down; the job was put back in QM_qJobs and will run again",
    stopLeftovers(ctx, job),
  ].filter(Boolean);
  const logPath = path.join(job.dir, LOG_FILE);
  try {
    fs.appendFileSync(logPath, logFooter({ jobId: job.id, at: finishedAt, exitCode: exit.exitCode, signal, durationMs: finishedAt.getTime() - job.startedAt.getTime(), note: notes.join("; ") || undefined }));
  } catch (error) {
    ctx.log(`job ${job.id}: cannot write the footer: ${message(error)}`);
  }
  const progress = parseProgress(readTail(logPath, 8192)) ?? job.progress;
  const to = outcome === "done" ? "done" : outcome === "requeue" ? "queued" : "lost";
  let folder = relFolder("running", job.dirName);
  try {
    const name = outcome === "requeue" ? job.dirName : `${folderStamp(finishedAt)}-${job.dirName}`;
    folder = relFolder(to, moveFolder(job.dir, ctx.layout[to], name));
  } catch (error) {
    ctx.log(`job ${job.id}: cannot move ${folder}: ${message(error)}`);
  }
  const db = ctx.db;
  if (outcome === "requeue") {
    await db.$transaction([
      db.job.update({
        where: { id: job.id },
        data: { state: "queued", folder, pid: null, startedAt: null, finishedAt: null, exitCode: null, signal: null, cpuSeconds: null, peakMemoryKb: null, progress: null, killRequestedAt: null },
      }),
      db.jobEvent.create({ data: { jobId: job.id, kind: "requeued", detail: "the worker shut down while the job ran; it was stopped and will run again" } }),
    ]);
    return;
  }
  const cpuSeconds = exit.cpuSeconds ?? job.sampledCpuSeconds ?? null;
  const detail = signal ? `killed by ${signal}` : `exit code ${exit.exitCode}`;
  ctx.store.markFinished(
    job.id,
    { state: outcome, folder, finishedAt, exitCode: exit.exitCode, signal, cpuSeconds, peakMemoryKb: job.peakMemoryKb, progress, error: exit.error ?? null },
    notes.length ? `${detail}; ${notes.join("; ")}` : detail,
  );
  ctx.debug(`job ${job.id} ${outcome} (${detail}) -> ${folder}`);
  notifyOwner(ctx, {
    id: job.id, name: job.name, owner: job.owner, info: job.info, state: outcome, exitCode: exit.exitCode, signal,
    durationMs: finishedAt.getTime() - job.startedAt.getTime(), cpuSeconds, folder, logPath: path.join(ctx.layout.root, folder, LOG_FILE),
  });
}
