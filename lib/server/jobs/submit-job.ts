/**
 * Place an upload in the queue (docs/protocol.md, "Upload / API"): extract a zip (or
 * stage a single script) into `.qm/staging/<uuid>/`, read the job as the worker does,
 * create the Job row, rename the folder into QM_qJobs, wake the worker. A rejection
 * leaves nothing behind.
 */
import fs from "node:fs";
import path from "node:path";
import { AppError, isAppError } from "../../core/app-error";
import type { InfoOverrides } from "../../core/job-info-overrides";
import { planTransition } from "../../core/job-lifecycle";
import { type JobFolderOptions, directiveScripts, readHead } from "../job-folder";
import { type QmLayout, QUEUE_DIRS } from "../qm-folders";
import { jobColumns, readJobFolder } from "../read-job-folder";
import { wakeWorker } from "../wake-worker";
import type { JobStore } from "../store/job-store";
import { checkGpuRequest } from "./check-gpu-request";
import { type NotedJob, notedOf } from "./job-notes";
import { queueArray } from "./queue-array";
import { queueColumns, submitState } from "./queue-entry";
import { resolveQueueOptions } from "./resolve-queue-options";
import { extractZip } from "../zip/extract-zip";
import { priorityRefusal } from "../../core/priority-limit";
import { type DiskRule, assertRoomForEntries } from "../disk-space";
import { type JobRoot, findJobRoot, sanitizeJobName } from "../zip/job-root";
import type { ZipLimits } from "../zip/zip-limits";
import { placeInQueue } from "./place-in-queue";

export interface SubmitJobDeps {
  store: JobStore;
  layout: QmLayout;
  /** `job_file` and Strict_Job_File from QMserv.cfg: what describes a job. */
  folderRule: JobFolderOptions;
  limits: ZipLimits;
  /** Min_Free_MB and Min_Free_Inodes: a zip with more entries than the free inodes above Min_Free_Inodes is refused unopened. */
  diskRule?: DiskRule;
}

export interface SubmitJobRequest {
  /** The uploaded file (a zip, or a single script), already on disk inside `workDir`. */
  zipPath: string;
  /** The file's name as uploaded (names the job when the zip has no top folder). */
  zipName: string;
  /** A fresh folder under `.qm/staging/` that the caller removes afterwards. */
  workDir: string;
  overrides: InfoOverrides;
  source: "upload" | "api";
  /** The logged-in account that submits (the job's owner), or null. */
  submitter?: Submitter | null;
  /** The highest priority the submitter may give (lib/core/priority-limit.ts); null: no limit (an administrator). */
  priorityLimit: number | null;
}

/** Who submits: the job is theirs, and their e-mail fills e_mail when neither the form nor the info file gives one. */
export interface Submitter {
  id: number;
  username: string;
  email: string | null;
}

export interface SubmittedJob {
  /** The job, or the first element of an array. */
  id: number;
  name: string;
  folder: string;
  /** queued, or held (the `hold` key). */
  state: "queued" | "held";
  /** An array (the `array` key): its id and its elements' job ids, in index order. */
  array?: { id: number; jobIds: number[] };
  /** What the job (an array's first element) asks and what was read instead of what: its notes (job-notes.ts). */
  asked: NotedJob;
}

/**
 * Queue an upload: a zip is extracted and its job folder found (job-root.ts); any other
 * file is taken as a single script with #QM lines and gets a job folder of its own,
 * named after it. Then the folder is read, the form's values applied, and it is queued.
 */
export async function submitJob(deps: SubmitJobDeps, request: SubmitJobRequest): Promise<SubmittedJob> {
  // A priority typed above what the submitter may give is refused before anything is unpacked.
  const typed = request.overrides.priority;
  const refusal = typed === undefined ? null : priorityRefusal(typed, request.priorityLimit);
  if (refusal) throw new AppError("INVALID_INPUT", `The ${refusal}.`, { priority: refusal });
  const staged = isZipFile(request.zipPath) || /\.zip$/i.test(request.zipName) ? await stageZip(deps, request) : stageScript(request);
  const by = request.submitter ? `; owned by ${request.submitter.username}` : "";
  const detail = `${request.source === "api" ? "submitted through the API" : "uploaded"} as ${request.zipName}${by}`;
  return queueStagedJob(
    { ...deps, folderRule: { ...deps.folderRule, where: staged.where } },
    { dir: staged.dir, name: staged.name, overrides: request.overrides, source: request.source, submitter: request.submitter, priorityLimit: request.priorityLimit, detail },
  );
}

async function stageZip(deps: SubmitJobDeps, request: SubmitJobRequest): Promise<JobRoot> {
  const extracted = path.join(request.workDir, "job");
  const rule = deps.diskRule;
  await extractZip(request.zipPath, extracted, deps.limits, rule && ((entries) => assertRoomForEntries(deps.layout.root, rule, entries)));
  return findJobRoot(extracted, request.zipName);
}

/** A single script: `fit.sh` becomes the job `fit`, a folder holding fit.sh. */
function stageScript(request: SubmitJobRequest): JobRoot {
  const file = sanitizeJobName(request.zipName);
  const name = sanitizeJobName(file.replace(/\.[^.]*$/, ""));
  const dir = path.join(request.workDir, "job", name);
  fs.mkdirSync(dir, { recursive: true });
  fs.renameSync(request.zipPath, path.join(dir, file));
  if (directiveScripts(dir).length === 0) {
    throw new AppError(
      "INVALID_INPUT",
      `${request.zipName} is neither a zip nor a script with #QM lines; upload a zipped job folder, or put lines such as "#QM nb_proc=2" at the top of the script (after its #! line)`,
    );
  }
  return { dir, name, where: `The script ${file}` };
}

/** A zip starts with a local file header, or is an empty archive (end of central directory). */
function isZipFile(file: string): boolean {
  const head = readHead(file, 4);
  return head === "PK\u0003\u0004" || head === "PK\u0005\u0006";
}

export interface StagedJob {
  /** A complete job folder outside QM_qJobs (under `.qm/staging/`). */
  dir: string;
  name: string;
  overrides?: InfoOverrides;
  source: "upload" | "api" | "folder";
  submitter?: Submitter | null;
  /** The highest priority whoever queues it may give; a higher one in its file is lowered (lib/core/priority-limit.ts). */
  priorityLimit: number | null;
  detail: string;
}

/**
 * Queue a complete job folder: read it as the worker does (lib/server/read-job-folder.ts,
 * the form's values written into its info file or #QM lines), create the row, rename the
 * folder into QM_qJobs (place-in-queue.ts), wake the worker. A failure leaves no row and
 * no folder in the queue.
 */
export async function queueStagedJob(deps: Pick<SubmitJobDeps, "store" | "layout" | "folderRule">, job: StagedJob): Promise<SubmittedJob> {
  const { store, layout } = deps;
  let read = readJobFolder(job.dir, deps.folderRule, job.overrides);
  // The submitter's e-mail, when neither the form nor the job's own file gives one.
  if (!read.info.owner && job.submitter?.email) read = readJobFolder(job.dir, deps.folderRule, { e_mail: job.submitter.email });
  await checkGpuRequest(store.sql, read.description.file, read.info.nbGpu);
  const sent = new Set(Object.entries(job.overrides ?? {}).flatMap(([key, value]) => (value === undefined || value === "" ? [] : [key])));
  const options = await resolveQueueOptions(store, read.description.file, read.info.params, sent);
  if (options.array) return queueArray(deps, job, options);
  const state = submitState(options);
  const plan = planTransition("submit", null, state, {}, job.detail);
  const userId = job.submitter?.id ?? null;
  const columns = jobColumns(read, job.priorityLimit);
  try {
    const placed = await placeInQueue(store, layout, job.dir, job.name, {
      state,
      claim: (folder) => store.createJob({ name: job.name, ...columns, ...queueColumns(options), folder, source: job.source, userId }, plan),
      release: async (id, folder) => void (await store.discard(id, { state, folder })),
    });
    await wakeWorker(store.sql, layout);
    return { id: placed.id, name: path.basename(placed.folder), folder: placed.folder, state, asked: notedOf(columns, state) };
  } catch (error) {
    if (isAppError(error)) throw error;
    throw new AppError("CONFLICT", `The job could not be placed in ${QUEUE_DIRS.queued} (${(error as Error).message}); try again`);
  }
}

/**
 * Remove staging folders older than `maxAgeMs`: what an upload leaves when the web
 * server dies in the middle of it. Live uploads are younger than that.
 */
export function removeStaleStaging(stagingDir: string, maxAgeMs = 24 * 3_600_000, now = Date.now()): string[] {
  const removed: string[] = [];
  let names: string[];
  try {
    names = fs.readdirSync(stagingDir);
  } catch {
    return removed;
  }
  for (const name of names) {
    const full = path.join(stagingDir, name);
    try {
      if (now - fs.statSync(full).mtimeMs > maxAgeMs) {
        fs.rmSync(full, { recursive: true, force: true });
        removed.push(name);
      }
    } catch {
      // Removed meanwhile by its own request: nothing to do.
    }
  }
  return removed;
}
