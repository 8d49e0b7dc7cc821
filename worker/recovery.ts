/**
 * At start, repair what a worker that died (SIGKILL, power cut) left behind, so that every
 * job ends in exactly one place and the database agrees with the folders:
 * - runs the dead worker left are stopped by the executor (they are not adopted);
 * - a folder in QM_Jobs belongs to the active row naming it, or to the job named by the
 *   last process.log header. If that header is this run's, the run was interrupted: the
 *   job goes to QM_lost+found as `lost` (note in process.log and qm-error.txt, owner
 *   mailed), or back to QM_qJobs when Recovery = requeue. Otherwise it never started and
 *   goes back to QM_qJobs, still queued;
 * - an active row whose folder already reached QM_dJobs / QM_lost+found (crash between the
 *   final move and the database write) gets the outcome written in its process.log footer;
 *   one whose folder is still in QM_qJobs (crash before the move) is queued again;
 * - waiting rows whose folder vanished long ago become `lost` (see reapMissingQueued).
 */
import fs from "node:fs";
import path from "node:path";
import { ACTIVE_STATES, type JobState, planTransition } from "../lib/core/job-lifecycle";
import { LOG_FILE, folderStamp, lastFooter, lastHeader, logFooter } from "../lib/core/job-log";
import { moveFolder, relFolder } from "../lib/server/qm-folders";
import { readTail } from "../lib/server/read-tail";
import type { JobRow } from "../lib/server/store/job-reads";
import { type WorkerContext, message } from "./context";
import { notifyOwner } from "./notifier";
import { errorNote } from "./reject";

const LOST_NOTE = "the worker stopped while this job ran (it was killed or the machine restarted)";

/** Waiting rows whose folder has been missing for this long are marked lost. */
export const MISSING_GRACE_MS = 60_000;

export async function recover(ctx: WorkerContext): Promise<void> {
  const { store, layout } = ctx;
  await ctx.executor.sweep(new Set(), ctx.config().killGraceMs, ctx.log);
  const activeRows = await store.jobsIn([...ACTIVE_STATES]);
  const handled = new Set<number>();
  for (const name of fs.readdirSync(layout.running)) {
    if (name.startsWith(".")) continue;
    const folder = relFolder("running", name);
    try {
      const header = lastHeader(readTail(path.join(layout.running, name, LOG_FILE), 1 << 20));
      const row =
        activeRows.find((r) => r.folder === folder) ??
        (header ? await store.getJob(header.jobId) : undefined) ??
        (await store.waitingByFolder(relFolder("queued", name)));
      if (!row || row.state === "deleted") {
        await adoptOrphan(ctx, name);
        continue;
      }
      handled.add(row.id);
      const interrupted = row.state !== "queued" && header?.jobId === row.id && (header.runToken === row.runToken || row.runToken === null);
      if (interrupted) await endInterrupted(ctx, row, name);
      else await backToQueue(ctx, row, name, "it had not started when the worker stopped");
    } catch (error) {
      ctx.log(`recovery: cannot repair ${folder}: ${message(error)}`);
    }
  }
  for (const row of activeRows.filter((r) => !handled.has(r.id))) {
    await settleFinished(ctx, row).catch((e) => ctx.log(`recovery: job ${row.id}: ${message(e)}`));
  }
  await reapMissingQueued(ctx);
}

/** A folder in QM_Jobs that no job claims: to QM_lost+found, with a `lost` row. */
async function adoptOrphan(ctx: WorkerContext, name: string): Promise<void> {
  const { layout } = ctx;
  const now = new Date();
  const moved = await moveFolder(path.join(layout.running, name), layout.lost, `${folderStamp(now)}-${name}`);
  fs.writeFileSync(path.join(layout.lost, moved, "qm-error.txt"), errorNote("this folder was found in QM_Jobs with no record of a job; QueueManager did not start it", ["Nothing to fix in the folder itself."], now, layout.queued));
  await ctx.store.createJob(
    { name, script: "", folder: relFolder("lost", moved), source: "folder" },
    planTransition("orphan", null, "lost", { error: "found in QM_Jobs with no record", finishedAt: now }, "found in QM_Jobs at start with no record"),
  );
}

/** A job whose run never began: its folder goes back to QM_qJobs and it waits again. */
async function backToQueue(ctx: WorkerContext, row: JobRow, name: string, why: string): Promise<void> {
  const back = relFolder("queued", await moveFolder(path.join(ctx.layout.running, name), ctx.layout.queued, name));
  if (row.state === "queued") await ctx.store.update(row.id, { state: "queued" }, { folder: back });
  else await ctx.store.transition(row.id, planTransition("requeue", row.state, "queued", { folder: back }, why), { state: row.state });
  ctx.log(`recovery: job ${row.id}: ${why}; back in QM_qJobs`);
}

async function endInterrupted(ctx: WorkerContext, row: JobRow, name: string): Promise<void> {
  const { store, layout } = ctx;
  const now = new Date();
  const startedAt = row.startedAt ?? now;
  const src = path.join(layout.running, name);
  fs.appendFileSync(path.join(src, LOG_FILE), logFooter({ jobId: row.id, at: now, exitCode: null, signal: null, durationMs: now.getTime() - startedAt.getTime(), note: LOST_NOTE }).replace(": exit code null,", ": outcome unknown,"));
  if (ctx.config().recovery === "requeue") {
    const back = await moveFolder(src, layout.queued, name);
    await store.transition(row.id, planTransition("requeue", row.state, "queued", { folder: relFolder("queued", back) }, `${LOST_NOTE}; requeued (Recovery = requeue)`), { state: row.state });
    ctx.log(`recovery: job ${row.id} requeued`);
    return;
  }
  const moved = await moveFolder(src, layout.lost, `${folderStamp(now)}-${name}`);
  const folder = relFolder("lost", moved);
  fs.writeFileSync(path.join(layout.lost, moved, "qm-error.txt"), errorNote(LOST_NOTE, ["Look at process.log to see how far it got; results may be incomplete."], now, layout.queued));
  await store.transition(row.id, planTransition("end", row.state, "lost", { folder, finishedAt: now, pid: null, error: LOST_NOTE }, LOST_NOTE), { state: row.state });
  ctx.log(`recovery: job ${row.id} lost -> ${folder}`);
  notifyOwner(ctx, {
    id: row.id, name: row.name, owner: row.owner, info: row.info, state: "lost", exitCode: null, signal: null,
    durationMs: now.getTime() - startedAt.getTime(), cpuSeconds: null, folder, logPath: path.join(layout.lost, moved, LOG_FILE),
  });
}

const escapeRegExp = (text: string) => text.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");

/** An active row without a QM_Jobs folder: where did its run end (or did it never move)? */
async function settleFinished(ctx: WorkerContext, row: JobRow): Promise<void> {
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
      return;
    }
  }
  // Claimed but not moved yet (crash between the row and the rename): still in QM_qJobs.
  if (fs.existsSync(path.join(layout.queued, name))) {
    const plan = planTransition("requeue", row.state, "queued", { folder: relFolder("queued", name) }, "it had not started when the worker stopped");
    await store.transition(row.id, plan, guard);
    return;
  }
  const error = "its folder disappeared while the worker was stopped";
  await store.transition(row.id, planTransition("end", row.state, "lost", { finishedAt: new Date(), pid: null, error }, "folder not found at start"), guard);
}

/** Waiting rows unchanged for MISSING_GRACE_MS (an upload writes its row just before its folder) whose folder is gone become `lost`. */
export async function reapMissingQueued(ctx: WorkerContext): Promise<void> {
  for (const row of await ctx.store.waitingSince(new Date(Date.now() - MISSING_GRACE_MS))) {
    if (fs.existsSync(path.join(ctx.layout.root, row.folder))) continue;
    const error = `its folder ${row.folder} disappeared before it could start`;
    const plan = planTransition("vanish", row.state, "lost", { error, finishedAt: new Date() }, error);
    if (await ctx.store.transition(row.id, plan, { state: row.state, folder: row.folder })) ctx.log(`job ${row.id}: ${error}`);
  }
}
