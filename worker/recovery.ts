/**
 * At start, repair what a worker that died (SIGKILL, power cut) left behind, so that every
 * job ends in exactly one place and the database agrees with the folders:
 * - a folder in QM_Jobs belongs to the job named by its row (state running, same folder)
 *   or by the job id in the last process.log header; its processes, found by their
 *   QM_JOB_DIR environment, still run in their own group: they are stopped (TERM, then
 *   KILL after Kill_Grace). The job then goes to QM_lost+found as `lost` with a note in
 *   process.log and qm-error.txt, or back to QM_qJobs when Recovery = requeue;
 * - a QM_Jobs folder without header whose queued row still points at QM_qJobs never
 *   started: it goes back to QM_qJobs, still queued;
 * - a running row whose folder already reached QM_dJobs / QM_lost+found (crash between the
 *   final move and the database write) gets the outcome written in its process.log footer;
 * - queued rows whose folder vanished long ago become `lost` (see reapMissingQueued).
 */
import fs from "node:fs";
import path from "node:path";
import { folderStamp, lastFooter, lastHeaderJobId, logFooter } from "../lib/core/job-log";
import { type WorkerContext, message } from "./context";
import { LOG_FILE } from "./executor";
import { moveFolder, readTail, relFolder } from "./job-folders";
import { findJobProcesses, terminateProcesses } from "./process-tree";
import { notifyOwner } from "./notifier";
import { errorNote } from "./reject";

const LOST_NOTE = "the worker stopped while this job ran (it was killed or the machine restarted)";

/** Queued rows whose folder has been missing for this long are marked lost. */
export const MISSING_GRACE_MS = 60_000;

export async function recover(ctx: WorkerContext): Promise<void> {
  const { db, layout } = ctx;
  const processes = findJobProcesses(layout.running);
  const stopping = [...processes].map(([dir, pids]) => {
    ctx.log(`recovery: stopping ${pids.length} process(es) of ${path.relative(layout.root, dir)} left by the previous worker`);
    return terminateProcesses(pids, ctx.config().killGraceMs);
  });
  await Promise.all(stopping);
  const runningRows = await db.job.findMany({ where: { state: "running" } });
  const handled = new Set<number>();
  for (const name of fs.readdirSync(layout.running)) {
    if (name.startsWith(".")) continue;
    const folder = relFolder("running", name);
    try {
      const logText = readTail(path.join(layout.running, name, LOG_FILE), 1 << 20);
      const headerId = lastHeaderJobId(logText);
      const row =
        runningRows.find((r) => r.folder === folder) ??
        (headerId !== null ? await db.job.findUnique({ where: { id: headerId } }) : null) ??
        (await db.job.findFirst({ where: { state: "queued", folder: relFolder("queued", name) } }));
      if (!row) {
        const moved = moveFolder(path.join(layout.running, name), layout.lost, `${folderStamp(new Date())}-${name}`);
        fs.writeFileSync(path.join(layout.lost, moved, "qm-error.txt"), errorNote("this folder was found in QM_Jobs with no record of a job; QueueManager did not start it", ["Nothing to fix in the folder itself."], new Date(), layout.queued));
        await db.job.create({ data: { name, script: "", state: "lost", folder: relFolder("lost", moved), source: "folder", error: "found in QM_Jobs with no record", finishedAt: new Date(), events: { create: { kind: "lost", detail: "found in QM_Jobs at start with no record" } } } });
        continue;
      }
      handled.add(row.id);
      if (row.state === "queued" && (headerId !== row.id || lastFooter(logText))) {
        const back = moveFolder(path.join(layout.running, name), layout.queued, name);
        await db.job.update({ where: { id: row.id }, data: { folder: relFolder("queued", back) } });
        ctx.log(`recovery: job ${row.id} had not started; back in QM_qJobs`);
        continue;
      }
      await endInterrupted(ctx, row.id, name, row.startedAt ?? new Date());
    } catch (error) {
      ctx.log(`recovery: cannot repair ${folder}: ${message(error)}`);
    }
  }
  for (const row of runningRows.filter((r) => !handled.has(r.id))) {
    await settleFinished(ctx, row.id, path.basename(row.folder)).catch((e) => ctx.log(`recovery: job ${row.id}: ${message(e)}`));
  }
  await reapMissingQueued(ctx);
}

async function endInterrupted(ctx: WorkerContext, id: number, name: string, startedAt: Date): Promise<void> {
  const { db, layout } = ctx;
  const now = new Date();
  const src = path.join(layout.running, name);
  fs.appendFileSync(path.join(src, LOG_FILE), logFooter({ jobId: id, at: now, exitCode: null, signal: null, durationMs: now.getTime() - startedAt.getTime(), note: LOST_NOTE }).replace(": exit code null,", ": outcome unknown,"));
  if (ctx.config().recovery === "requeue") {
    const back = moveFolder(src, layout.queued, name);
    await db.$transaction([
      db.job.update({ where: { id }, data: { state: "queued", folder: relFolder("queued", back), pid: null, startedAt: null, finishedAt: null, exitCode: null, signal: null, cpuSeconds: null, peakMemoryKb: null, progress: null, killRequestedAt: null } }),
      db.jobEvent.create({ data: { jobId: id, kind: "requeued", detail: `${LOST_NOTE}; requeued (Recovery = requeue)` } }),
    ]);
    ctx.log(`recovery: job ${id} requeued`);
    return;
  }
  const moved = moveFolder(src, layout.lost, `${folderStamp(now)}-${name}`);
  fs.writeFileSync(path.join(layout.lost, moved, "qm-error.txt"), errorNote(LOST_NOTE, ["Look at process.log to see how far it got; results may be incomplete."], now, layout.queued));
  await db.$transaction([
    db.job.update({ where: { id }, data: { state: "lost", folder: relFolder("lost", moved), finishedAt: now, pid: null, error: LOST_NOTE } }),
    db.jobEvent.create({ data: { jobId: id, kind: "lost", detail: LOST_NOTE } }),
  ]);
  ctx.log(`recovery: job ${id} lost -> ${relFolder("lost", moved)}`);
  const row = await db.job.findUnique({ where: { id }, select: { name: true, owner: true, info: true } });
  if (row) {
    notifyOwner(ctx, {
      id, ...row, state: "lost", exitCode: null, signal: null, durationMs: now.getTime() - startedAt.getTime(), cpuSeconds: null,
      folder: relFolder("lost", moved), logPath: path.join(layout.lost, moved, LOG_FILE),
    });
  }
}

/** A running row without a QM_Jobs folder: find where its run ended, by the header's job id. */
async function settleFinished(ctx: WorkerContext, id: number, name: string): Promise<void> {
  const { db, layout } = ctx;
  for (const dir of ["done", "lost"] as const) {
    const matches = fs.readdirSync(layout[dir]).filter((n) => n.endsWith(`-${name}`) || new RegExp(`-${name.replace(/[.*+?^${}()|[\]\\]/g, "\\$&")}-\\d+$`).test(n)).sort().reverse();
    for (const candidate of matches) {
      const text = readTail(path.join(layout[dir], candidate, LOG_FILE), 1 << 20);
      if (lastHeaderJobId(text) !== id) continue;
      const footer = lastFooter(text);
      const state = dir === "done" ? "done" : footer?.signal ? "killed" : "failed";
      await db.$transaction([
        db.job.update({ where: { id }, data: { state, folder: relFolder(dir, candidate), finishedAt: new Date(), exitCode: footer?.exitCode ?? null, signal: footer?.signal ?? null, pid: null } }),
        db.jobEvent.create({ data: { jobId: id, kind: state, detail: "recorded at start: the worker stopped just after the job ended" } }),
      ]);
      return;
    }
  }
  await db.$transaction([
    db.job.update({ where: { id }, data: { state: "lost", finishedAt: new Date(), pid: null, error: "its folder disappeared while the worker was stopped" } }),
    db.jobEvent.create({ data: { jobId: id, kind: "lost", detail: "folder not found at start" } }),
  ]);
}

/** Queued rows unchanged for MISSING_GRACE_MS (an upload writes its row just before its folder) whose QM_qJobs folder is gone become `lost`. */
export async function reapMissingQueued(ctx: WorkerContext): Promise<void> {
  const rows = await ctx.db.job.findMany({
    where: { state: "queued", updatedAt: { lt: new Date(Date.now() - MISSING_GRACE_MS) } },
    select: { id: true, folder: true },
  });
  for (const row of rows) {
    if (fs.existsSync(path.join(ctx.layout.root, row.folder))) continue;
    const error = `its folder ${row.folder} disappeared before it could start`;
    await ctx.db.$transaction([
      ctx.db.job.updateMany({ where: { id: row.id, state: "queued" }, data: { state: "lost", error, finishedAt: new Date() } }),
      ctx.db.jobEvent.create({ data: { jobId: row.id, kind: "lost", detail: error } }),
    ]);
    ctx.log(`job ${row.id}: ${error}`);
  }
}
