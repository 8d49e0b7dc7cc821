/**
 * Start a queued job: rename QM_qJobs/x -> QM_Jobs/x, spawn it, record it as running
 * (row + event in one transaction, direct SQL). The process.log header names the job id, so a crash
 * between the rename and the database write is repaired at the next start.
 */
import fs from "node:fs";
import path from "node:path";
import { isEnoent, moveFolder, relFolder } from "./job-folders";
import { type RunningJob, type WorkerContext, message } from "./context";
import type { QueuedRow } from "./job-store";

export type LaunchResult = { job: RunningJob } | { missing: true } | { failed: string };

export async function launchJob(ctx: WorkerContext, row: QueuedRow, granted: number): Promise<LaunchResult> {
  const src = path.join(ctx.layout.root, row.folder);
  let dirName: string;
  if (!fs.existsSync(src)) return { missing: true };
  try {
    dirName = moveFolder(src, ctx.layout.running, path.basename(row.folder));
  } catch (error) {
    if (isEnoent(error)) return { missing: true };
    return { failed: `cannot move ${row.folder} into QM_Jobs: ${message(error)}` };
  }
  const dir = path.join(ctx.layout.running, dirName);
  const startedAt = new Date();
  const config = ctx.config();
  const spawned = await ctx.spawn({
    dir, jobId: row.id, name: row.name, host: ctx.host, script: row.script,
    requested: row.nbProc, granted, maxNbProcessors: config.maxNbProcessors, at: startedAt,
  });
  const folder = relFolder("running", dirName);
  try {
    ctx.store.markRunning(row.id, folder, startedAt, spawned.pid || null, `${granted} processor(s), pid ${spawned.pid}`);
  } catch (error) {
    // The job runs anyway; its end is recorded (and a crash is repaired from the header).
    ctx.log(`job ${row.id}: cannot record the start: ${message(error)}`);
  }
  const job: RunningJob = {
    id: row.id, name: row.name, owner: row.owner, info: row.info, script: row.script, dir, dirName,
    pid: spawned.pid, granted, startedAt, peakMemoryKb: null, progress: null, exited: spawned.exited,
  };
  return { job };
}
