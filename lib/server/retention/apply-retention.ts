/**
 * The retention pass: for each job of the plan, claim the row first (purgedAt set, guarded on
 * its state, folder and not purged yet: a job requeued or deleted meanwhile is left alone, and
 * a requeue that comes after finds it purged), then delete its folder or move it to
 * Archive_Folder, then record a `purged` event. A folder that cannot go gives its row back.
 */
import fs from "node:fs";
import path from "node:path";
import { formatBytes } from "../../core/format";
import type { PurgeItem, RetentionPlan } from "../../core/retention";
import type { Log } from "../logger";
import { copyJobFolder } from "../jobs/copy-job-folder";
import { type QmLayout, freeName, isEnoent, resolveInside } from "../qm-folders";
import { removeTree } from "../remove-tree";
import type { JobStore } from "../store/job-store";

export interface RetentionResult {
  removed: number[];
  archived: number[];
  /** Changed meanwhile (requeued, deleted, purged): left alone. */
  skipped: number[];
  failed: number[];
  /** Space given back on QM_FOLDER's disk (a folder archived on that same disk frees none). */
  freedBytes: number;
  /** Archive_Folder is on QM_FOLDER's disk: the folders moved, no space was freed. */
  archiveOnSameDisk: boolean;
}

/**
 * Move a folder into the archive: a rename on the same disk, else a copy under a temporary
 * name, then the rename. Either way the archive holds the folder as it was in QM_dJobs: its
 * owners, modes and times (a copy's entries keep their owners, though root makes them). The
 * folder may be its owner's to change while it is copied (root copies it): copyJobFolder
 * never reads through a file or folder swapped for a symlink.
 */
export async function archiveFolder(source: string, archiveDir: string): Promise<string> {
  await fs.promises.mkdir(archiveDir, { recursive: true });
  const target = path.join(archiveDir, freeName(archiveDir, path.basename(source)));
  try {
    await fs.promises.rename(source, target);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== "EXDEV") throw error;
    const partial = path.join(archiveDir, `.${path.basename(target)}.partial`);
    await removeTree(partial);
    try {
      await copyJobFolder(source, partial, { keepTimes: true, keepOwners: true });
      await fs.promises.rename(partial, target);
    } catch (copyError) {
      // A copy that failed (the archive's disk full) leaves nothing there: each such folder
      // kept its files copied so far, filling the archive's disk for the folders after it.
      await removeTree(partial).catch(() => undefined);
      throw copyError;
    }
    await removeTree(source);
  }
  return target;
}

/** Out of QM_dJobs at once (a rename into .qm/trash), then removed. */
async function remove(source: string, layout: QmLayout, id: number): Promise<void> {
  const trash = path.join(layout.internal, "trash", `purged-${id}`);
  await fs.promises.mkdir(path.dirname(trash), { recursive: true });
  await removeTree(trash);
  await fs.promises.rename(source, trash);
  await removeTree(trash);
}

/** Why a folder stayed, saying the archive's disk is full rather than only "ENOSPC ... copyfile '/proc/self/fd/27'". */
function cannotGo(folder: string, archiveDir: string | null, error: unknown): string {
  const what = archiveDir ? `cannot move ${folder} to ${archiveDir}` : `cannot remove ${folder}`;
  if (archiveDir && (error as NodeJS.ErrnoException).code === "ENOSPC") {
    return `${what}: the disk of Archive_Folder is full; free some space there or set another Archive_Folder`;
  }
  return `${what}: ${(error as Error).message}`;
}

const why = (item: PurgeItem, plan: RetentionPlan) =>
  item.reason === "age" ? `it ended more than Keep_Days ago (before ${plan.cutoff!.toISOString()})` : `QM_dJobs and QM_lost+found took more than Keep_Max_GB (${formatBytes(plan.ceilingBytes!)})`;

export async function applyRetention(store: JobStore, layout: QmLayout, plan: RetentionPlan, archiveDir: string | null, log: Log): Promise<RetentionResult> {
  const result: RetentionResult = { removed: [], archived: [], skipped: [], failed: [], freedBytes: 0, archiveOnSameDisk: false };
  for (const item of plan.purge) {
    const source = resolveInside(layout.root, item.folder);
    const inFinished = source && [layout.done, layout.lost].includes(path.dirname(source));
    const guard = { state: item.state, folder: item.folder };
    if (!inFinished || !(await store.update(item.id, { ...guard, unpurged: true }, { purgedAt: new Date() }))) {
      result.skipped.push(item.id);
      continue;
    }
    try {
      let where: string;
      let freed = item.sizeBytes;
      try {
        if (archiveDir) {
          const target = await archiveFolder(source, archiveDir);
          where = `its folder was moved to ${target}`;
          // A rename on the same disk: QM_dJobs is smaller, the disk no emptier (section 10's remedy for a full disk).
          if (fs.statSync(target).dev === fs.statSync(layout.root).dev) {
            freed = 0;
            result.archiveOnSameDisk = true;
          }
        } else {
          await remove(source, layout, item.id);
          where = "its folder was deleted";
        }
      } catch (error) {
        if (!isEnoent(error)) throw error;
        where = "its folder was already gone";
      }
      await store.addEvent(item.id, "purged", `${where} by the retention pass: ${why(item, plan)}`);
      (archiveDir ? result.archived : result.removed).push(item.id);
      result.freedBytes += freed;
      log.debug(`retention: ${where} (${formatBytes(item.sizeBytes)})`, { job: item.id });
    } catch (error) {
      await store.update(item.id, guard, { purgedAt: null });
      result.failed.push(item.id);
      log.error(`retention: ${cannotGo(item.folder, archiveDir, error)}; kept`, { job: item.id });
    }
  }
  return result;
}
