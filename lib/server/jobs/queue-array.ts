/**
 * An array submission (`array = 1-20%4`): one job per index, each in a folder of its own
 * (copy-job-folder.ts) whose info file (or #QM lines) records its index (`array_index`),
 * all rows created in one transaction, then the folders renamed into QM_qJobs in index
 * order (place-in-queue.ts). A failure while copying leaves nothing behind (and the
 * submitted folder as it was); should a rename fail afterwards, the elements not yet in
 * the queue are withdrawn.
 */
import fs from "node:fs";
import path from "node:path";
import { AppError } from "../../core/app-error";
import { elementName } from "../../core/array-spec";
import { planTransition } from "../../core/job-lifecycle";
import { QUEUE_DIRS, freeName, relFolder } from "../qm-folders";
import { jobColumns, readJobFolder } from "../read-job-folder";
import type { NewJob } from "../store/job-store";
import { wakeWorker } from "../wake-worker";
import { type DiskRule, assertRoomForEntries } from "../disk-space";
import { checkFreeSpace, copyJobFolder, folderSize } from "./copy-job-folder";
import { placeInQueue } from "./place-in-queue";
import { notedOf } from "./job-notes";
import { queueColumns, submitState } from "./queue-entry";
import type { ResolvedQueueOptions } from "./resolve-queue-options";
import type { StagedJob, SubmitJobDeps, SubmittedJob } from "./submit-job";

interface Element {
  index: number;
  name: string;
  dir: string;
}

/**
 * Copies for every index but the last, which takes the submitted folder itself; refused
 * before the first copy when all of them would leave the disk short of inodes (Min_Free_Inodes).
 */
async function stageElements(job: StagedJob, indices: number[], diskRule: DiskRule | undefined, root: string): Promise<{ elements: Element[]; stage: string }> {
  const stage = `${job.dir}.elements`;
  fs.mkdirSync(stage);
  const largest = indices[indices.length - 1];
  const elements = indices.map((index) => ({ index, name: elementName(job.name, index, largest), dir: "" }));
  for (const el of elements) el.dir = path.join(stage, el.name);
  try {
    const { bytes, entries } = await folderSize(job.dir);
    const copies = elements.length - 1;
    const inodes = copies * (entries + 1);
    const what = `The array needs ${copies.toLocaleString("en-US")} copies of its folder (${entries.toLocaleString("en-US")} files and folders each): ${inodes.toLocaleString("en-US")} new files and folders`;
    if (diskRule) assertRoomForEntries(root, diskRule, inodes, what);
    for (const el of elements.slice(0, -1)) {
      checkFreeSpace(stage, bytes, elements.length);
      await copyJobFolder(job.dir, el.dir);
    }
    fs.renameSync(job.dir, elements[elements.length - 1].dir);
  } catch (error) {
    fs.rmSync(stage, { recursive: true, force: true });
    throw error;
  }
  return { elements, stage };
}

export async function queueArray(deps: Pick<SubmitJobDeps, "store" | "layout" | "folderRule" | "diskRule">, job: StagedJob, options: ResolvedQueueOptions): Promise<SubmittedJob> {
  const { store, layout } = deps;
  const spec = options.array!;
  const { elements, stage } = await stageElements(job, spec.indices, deps.diskRule, layout.root);
  const state = submitState(options);
  const plan = planTransition("submit", null, state, {}, `${job.detail}; array = ${spec.spec}`);
  let rows: (NewJob & ReturnType<typeof jobColumns> & { folder: string })[];
  let created: { arrayId: number; ids: number[] };
  try {
    rows = elements.map((el) => {
      // Each element's own info file (or #QM lines) says which element it is, read like any job's.
      const own = readJobFolder(el.dir, deps.folderRule, { array_index: el.index });
      return { name: el.name, ...jobColumns(own, job.priorityLimit), ...queueColumns({ ...options, arrayIndex: el.index }), folder: relFolder("queued", freeName(layout.queued, el.name)), source: job.source, userId: job.submitter?.id ?? null };
    });
    created = await store.createArray({ name: job.name, spec: spec.spec, maxRunning: spec.maxRunning }, rows, plan);
  } catch (error) {
    fs.rmSync(stage, { recursive: true, force: true });
    throw error;
  }
  const placed: string[] = [];
  for (const [i, el] of elements.entries()) {
    const id = created.ids[i];
    try {
      const where = await placeInQueue(store, layout, el.dir, el.name, {
        state,
        // The row exists already (created with the others): it only follows the free name taken.
        claim: async (folder) => {
          if (folder !== rows[i].folder) await store.update(id, { state, folder: rows[i].folder }, { folder });
          return id;
        },
        release: async (_id, folder) => void (await store.discard(id, { state, folder })),
      });
      placed.push(where.folder);
    } catch (error) {
      for (const [j, other] of created.ids.entries()) if (j > i) await store.discard(other, { state, folder: rows[j].folder });
      fs.rmSync(stage, { recursive: true, force: true });
      await wakeWorker(store.sql, layout);
      throw new AppError(
        "CONFLICT",
        `Only ${i} of the array's ${elements.length} elements could be placed in ${QUEUE_DIRS.queued} (${(error as Error).message}); the others were withdrawn. Delete the array's jobs and submit it again.`,
      );
    }
  }
  fs.rmSync(stage, { recursive: true, force: true });
  await wakeWorker(store.sql, layout);
  return { id: created.ids[0], name: job.name, folder: placed[0], state, array: { id: created.arrayId, jobIds: created.ids }, asked: notedOf(rows[0], state) };
}
