/**
 * Start a queued job: rename QM_qJobs/x -> QM_Jobs/x, spawn it, record it as running
 * (row + event in one transaction). The process.log header names the job id, so a crash
 * between the rename and the database write is repaired at the next start.
 */
import fs from "node:fs";
import path from "node:path";
import { isEnoent, moveFolder, relFolder } from "./job-folders";
import { type RunningJob, type WorkerContext, message } from "./context";

export interface QueuedRow {
  id: number;
  name: string;
  owner: string | null;
  info: string | null;
  script: string;
  nbProc: number;
  priority: number;
  submittedAt: Date;
  folder: string;
}

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
  const saved = ctx.db.$transaction([
    ctx.db.job.update({
      where: { id: row.id },
      data: { state: "running", folder, startedAt, pid: spawned.pid || null, progress: null },
    }),
    ctx.db.jobEvent.create({ data: { jobId: row.id, kind: "running", detail: `${granted} processor(s), pid ${spawned.pid}` } }),
  ]);
  saved.catch((error) => ctx.log(`job ${row.id}: cannot record the start: ${message(error)}`));
  const job: RunningJob = {
    id: row.id, name: row.name, owner: row.owner, info: row.info, script: row.script, dir, dirName,
    pid: spawned.pid, granted, startedAt, peakMemoryKb: null, progress: null, saved, exited: spawned.exited,
  };
  return { job };
}
