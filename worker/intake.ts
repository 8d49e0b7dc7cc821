/**
 * Folders put into QM_qJobs by hand (no Job row yet): wait until the copy is finished,
 * then record them as queued jobs, or reject them to QM_lost+found with qm-error.txt.
 *
 * Readiness rule: the folder is quiet when max(ctime of every entry inside, mtime of the
 * folder itself) is at least Settle_Time old. ctime, because `cp -a` restores mtimes but
 * cannot restore ctimes; a folder moved in whole (`mv`) keeps old ctimes and starts at once.
 * A folder holding a process.log (an earlier job put back) also counts its own ctime, so
 * a web requeue, whose row update follows its rename, is never taken for a new drop.
 * A folder whose `.qm-manifest` lists exactly what it holds is complete at once, quiet or
 * not (lib/server/job-manifest.ts): a script that writes a folder and moves it in starts
 * without waiting. One that holds a manifest not yet matched is looked at again every
 * MANIFEST_RECHECK_MS (a copy of it may finish before Settle_Time), and falls back to the
 * quiet rule. Never for a folder holding a process.log: that rule stays whole for it.
 * A folder is only declared invalid once complete: a copy in progress may lack its info file.
 * What describes the job: lib/server/job-folder.ts; a finished folder moved back: resubmit.ts.
 */
import fs from "node:fs";
import path from "node:path";
import { isAppError } from "../lib/core/app-error";
import { planTransition } from "../lib/core/job-lifecycle";
import { JobFolderError } from "../lib/server/job-folder";
import { placeInQueue } from "../lib/server/jobs/place-in-queue";
import { relFolder } from "../lib/server/qm-folders";
import { type FolderJob, jobColumns, ownerOfRejectedFolder, readJobFolder } from "../lib/server/read-job-folder";
import type { WorkerContext } from "./context";
import { type DropBatch, createDropBatch, queueDroppedFolder } from "./intake-queue";
import { failureStreak } from "./failure-streak";
import { rejectFolder } from "./reject";
import { type Resubmission, findResubmission } from "./resubmit";
import { setAsideErrorNote } from "../lib/server/error-note";
import { type ManifestCheck, checkJobManifest } from "../lib/server/job-manifest";
import { lastChangeMs } from "../lib/server/tree-change";
import { renameUndecodableEntries } from "../lib/server/undecodable-names";

/** How often a folder with a manifest that does not match yet is looked at again. */
const MANIFEST_RECHECK_MS = 250;

export interface IntakeDeps extends Pick<WorkerContext, "store" | "layout" | "config" | "log"> {
  /** Called when a new queued row was created, or the folder of a waiting one arrived. */
  onQueued: () => void;
  /** Called (before onQueued) when rows that wait for other jobs were created. */
  waitsQueued: () => void;
}

/**
 * Folders found waiting (a queue QM 0.4 left, or drops made while no worker ran) in QM
 * 0.4's order: the oldest info file (job_file, else the folder) first, not by name.
 */
export function oldestFirst(dir: string, names: string[], jobFile: string): string[] {
  const age = (name: string) => {
    for (const file of [path.join(dir, name, jobFile), path.join(dir, name)]) {
      try {
        return fs.statSync(file).mtimeMs;
      } catch {
        // the next, or gone
      }
    }
    return Infinity;
  };
  const ages = new Map(names.map((name) => [name, age(name)]));
  return [...names].sort((a, b) => ages.get(a)! - ages.get(b)! || (a < b ? -1 : a > b ? 1 : 0));
}

/** Rows of a burst of drops created per transaction. */
const BATCH_ROWS = 64;

/** How long the folder name of a deleted job is left alone in QM_qJobs. */
const DELETE_WINDOW_MS = 5_000;

export function createIntake(deps: IntakeDeps) {
  const timers = new Map<string, NodeJS.Timeout>();
  /**
   * When each folder waiting here was first seen (its watch event, or the scan that found it):
   * its job's submission time. Folders settle each at its own time (a timer each, to the
   * millisecond), so the order they are taken in is not the order they came in: moved in
   * one after another, c4 then c5, they were queued c5 first. The queue orders by this time.
   */
  const arrivals = new Map<string, Date>();
  const pending = new Set<string>();
  const warned = new Set<string>();
  let flushing: Promise<void> | null = null;
  let closed = false;

  const schedule = (name: string, delayMs: number) => {
    clearTimeout(timers.get(name));
    timers.set(name, setTimeout(() => (timers.delete(name), check([name])), delayMs));
  };

  const examine = async (name: string, batch: DropBatch): Promise<void> => {
    const dir = path.join(deps.layout.queued, name);
    const config = deps.config();
    let manifest: ManifestCheck;
    let wait: number;
    try {
      // lstat: a symbolic link is not followed, even to a folder. Taken in, the job's
      // folder would be wherever the link leads, and every write of the service into it
      // (the log's footer, qm-error.txt) a write as root outside QM_FOLDER, at a place and
      // time the link's maker chose (docs/security.md).
      const entry = fs.lstatSync(dir);
      if (!entry.isDirectory()) {
        const why = entry.isSymbolicLink() ? "is a symbolic link: ignored (QueueManager does not follow links in QM_qJobs; move or copy the folder itself in)" : "is not a folder: ignored (a job is a folder)";
        if (!warned.has(name)) deps.log(`QM_qJobs/${name} ${why}`);
        warned.add(name);
        return;
      }
      manifest = fs.existsSync(path.join(dir, "process.log")) ? { state: "none" } : checkJobManifest(dir);
      wait = manifest.state === "complete" ? 0 : (await lastChangeMs(dir)) + config.settleMs - Date.now();
    } catch {
      return; // Gone (started, deleted or moved away) while we looked.
    }
    if (wait > 0) return schedule(name, manifest.state === "differs" ? Math.min(wait + 20, MANIFEST_RECHECK_MS) : wait + 20);
    if (manifest.state === "differs") deps.log(`QM_qJobs/${name}: its manifest does not match (${manifest.reason}); taken in after Settle_Time unchanged`);
    const back = await findResubmission(deps, name);
    let read: FolderJob;
    try {
      if (back) setAsideErrorNote(dir, back.stamp);
      read = readJobFolder(dir, { jobFile: config.jobFile, strict: config.strictJobFile });
    } catch (error) {
      if (!isAppError(error)) throw error;
      const [problem, fix] = error instanceof JobFolderError ? [error.problem, error.fix] : [error.message, ["Correct the info file (or the #QM lines of the script) as the message says."]];
      return rejectFolder(deps, name, problem, fix, back?.original, undefined, ownerOfRejectedFolder(dir, config.jobFile));
    }
    if (back) {
      await batch.flush(); // the rows taken in before it keep their place
      await takeBack(name, back, read);
    } else if (await queueDroppedFolder(deps, name, read, batch, arrivals.get(name))) return; // its batch's commit wakes the dispatcher
    deps.onQueued();
  };

  /** A finished folder moved back: queued under its original name, as the row it came from when known. */
  const takeBack = async (name: string, back: Resubmission, read: FolderJob) => {
    const detail = "moved back into QM_qJobs by hand";
    const { row } = back;
    const columns = { ...jobColumns(read, deps.config().maxUserPriority), submittedAt: new Date() };
    let requeued = false;
    await placeInQueue(deps.store, deps.layout, path.join(deps.layout.queued, name), back.original, {
      claim: async (folder) => {
        if (row) {
          const previous = { state: row.state, folder: row.folder, exitCode: row.exitCode, signal: row.signal, error: row.error };
          const plan = planTransition("requeue", row.state, "queued", { ...columns, folder }, JSON.stringify({ by: detail, previous }));
          requeued = await deps.store.transition(row.id, plan, { state: row.state, folder: row.folder });
          if (requeued) return row.id;
        }
        return deps.store.createJob({ name: back.original, ...columns, folder, source: "folder" }, planTransition("submit", null, "queued", {}, `${detail} (was ${name})`));
      },
      // Gone meanwhile: a new row goes, a requeued one is recorded lost by the rescan.
      release: async (id, folder, error) => {
        if (!requeued) await deps.store.discard(id, { state: "queued", folder });
        else await deps.store.addEvent(id, "requeue-failed", `${folder}: ${error instanceof Error ? error.message : String(error)}`);
      },
    });
    deps.log(`QM_qJobs/${name}: taken back in as ${back.original}${requeued ? ` (job ${row!.id} requeued)` : ""}`);
  };

  /** Create the batch's rows; the dispatcher is told once for them all. */
  const commit = async (batch: DropBatch) => {
    if (!batch.size) return;
    const folders = batch.folders();
    try {
      await batch.flush();
      deps.onQueued();
    } catch (error) {
      // Their folders stay in QM_qJobs without rows: the next rescan takes them in again.
      deps.log.warn(`cannot take in ${folders.join(", ")}: ${error instanceof Error ? error.message : String(error)}`);
    }
  };

  const looks = failureStreak(deps.log, "the look at QM_qJobs", (why) => `cannot take in the folders of QM_qJobs yet: ${why}; they wait there, and the rescan looks again`);
  const flush = async () => {
    while (pending.size && !closed) {
      // A turn of the event loop first: the other folders of a burst, whose events come in
      // the same read of the watch, join this batch (reads are synchronous, so this pass
      // would otherwise run to its end before the next event is delivered).
      await new Promise((resolve) => setImmediate(resolve));
      const names: string[] = [];
      for (const n of pending) {
        if (fs.existsSync(path.join(deps.layout.queued, n))) names.push(n);
        else arrivals.delete(n); // gone before it was looked at
      }
      pending.clear();
      // First come, first taken in (and so first id) among those that settled together.
      names.sort((a, b) => (arrivals.get(a)?.getTime() ?? 0) - (arrivals.get(b)?.getTime() ?? 0));
      if (!names.length) continue;
      let claimed: Map<string, "waiting" | "deleted">;
      try {
        claimed = await deps.store.claimedFolders(names.map((n) => relFolder("queued", n)), new Date(Date.now() - DELETE_WINDOW_MS));
      } catch (error) {
        // The database does not answer (PostgreSQL restarting): the folders stay in QM_qJobs
        // and the next rescan takes them in. Thrown, this ended the worker (nothing awaits a watch event).
        looks.failed(error);
        continue;
      }
      looks.succeeded();
      // The folder of a waiting row has arrived: its job may start now.
      if ([...claimed.values()].includes("waiting")) deps.onQueued();
      const batch = createDropBatch(deps.store, deps.log, deps.waitsQueued);
      for (const name of names) {
        if (closed) break;
        const claim = claimed.get(relFolder("queued", name));
        // A just-deleted job's folder is on its way to the trash: looked at again after the
        // window, it is a new drop only if someone put a folder of that name back meanwhile.
        if (claim === "deleted") schedule(name, DELETE_WINDOW_MS);
        else if (claim) arrivals.delete(name); // a waiting row's own folder
        if (claim) continue;
        try {
          await examine(name, batch);
        } catch (error) {
          deps.log.warn(`cannot take in QM_qJobs/${name}: ${error instanceof Error ? error.message : String(error)}`);
        }
        // Still settling: its timer keeps its arrival; else it is in the queue, rejected or gone.
        if (!timers.has(name)) arrivals.delete(name);
        // The first rows of a burst start while the rest are read.
        if (batch.size >= BATCH_ROWS) await commit(batch);
      }
      if (!closed) await commit(batch); // closing: the next start takes them in
    }
  };

  /** Look at these names of QM_qJobs soon (batched). */
  function check(names: string[]): Promise<void> {
    const now = new Date();
    for (const name of names) {
      if (name.startsWith(".")) continue;
      pending.add(name);
      if (!arrivals.has(name)) arrivals.set(name, now);
    }
    flushing ??= flush().finally(() => {
      flushing = null;
      if (pending.size && !closed) void check([]);
    });
    return flushing;
  }

  // Folders whose names are not UTF-8: renamed to their Latin-1 reading once settled, and
  // then taken in by that name like any drop (lib/server/undecodable-names.ts).
  let renaming: NodeJS.Timeout | undefined;
  /** Folders that could not be renamed, said once (each rescan tries again). */
  const unrenamable = new Set<string>();
  const renameUndecodable = async () => {
    const { renamed, unsettled, failed } = await renameUndecodableEntries(deps.layout.queued, deps.config().settleMs);
    for (const r of renamed) deps.log.warn(`QM_qJobs/${r.from} renamed to ${r.to}: its name was not UTF-8 (read as Latin-1, the encoding of older systems)`);
    for (const f of failed) {
      if (!unrenamable.has(f.name)) deps.log.warn(`QM_qJobs/${f.name}: its name is not UTF-8 and it cannot be renamed (${f.why}); rename it to take it in`);
      unrenamable.add(f.name);
    }
    if (unsettled.length) undecodableSeen();
  };
  const undecodableSeen = () => {
    renaming ??= setTimeout(() => {
      renaming = undefined;
      if (!closed) void renameUndecodable().catch((error: Error) => deps.log.warn(`cannot rename the folders of QM_qJobs whose names are not UTF-8: ${error.message}`));
    }, deps.config().settleMs + 50);
  };

  return {
    check,
    /** Look at every folder of QM_qJobs. */
    scanAll: async () => {
      await renameUndecodable();
      return check(oldestFirst(deps.layout.queued, fs.readdirSync(deps.layout.queued), deps.config().jobFile));
    },
    /** A name that is not UTF-8 appeared in QM_qJobs (it reads with U+FFFD and names nothing): renamed once settled. */
    undecodableSeen,
    close() {
      closed = true;
      clearTimeout(renaming);
      for (const t of timers.values()) clearTimeout(t);
      timers.clear();
    },
  };
}
