/**
 * Place an uploaded zip in the queue (docs/protocol.md, "Upload / API"): extract into
 * `.qm/staging/<uuid>/`, validate the info file as the worker does, create the Job row,
 * rename the folder into QM_qJobs, wake the worker. A rejection leaves nothing behind.
 */
import fs from "node:fs";
import path from "node:path";
import { AppError } from "../../core/app-error";
import { parseJobInfo } from "../../core/job-info";
import { type InfoOverrides, applyInfoOverrides } from "../../core/job-info-overrides";
import { planTransition } from "../../core/job-lifecycle";
import { type QmLayout, QUEUE_DIRS, freeName, moveFolder, relFolder } from "../qm-folders";
import { wakeWorker } from "../wake-worker";
import type { JobStore } from "../store/job-store";
import { extractZip } from "../zip/extract-zip";
import { findJobRoot } from "../zip/job-root";
import type { ZipLimits } from "../zip/zip-limits";

export interface SubmitJobDeps {
  store: JobStore;
  layout: QmLayout;
  /** `job_file` from QMserv.cfg. */
  jobFile: string;
  limits: ZipLimits;
}

export interface SubmitJobRequest {
  /** The uploaded zip, already on disk inside `workDir`. */
  zipPath: string;
  /** The zip's name as uploaded (names the job when the zip has no top folder). */
  zipName: string;
  /** A fresh folder under `.qm/staging/` that the caller removes afterwards. */
  workDir: string;
  overrides: InfoOverrides;
  source: "upload" | "api";
  /** The logged-in account that submits (the job's owner), or null. */
  submitter?: Submitter | null;
}

/** Who submits: the job is theirs, and their e-mail fills e_mail when neither the form nor the info file gives one. */
export interface Submitter {
  id: number;
  email: string | null;
}

export interface SubmittedJob {
  id: number;
  name: string;
  folder: string;
  state: "queued";
}

/** Extract an uploaded zip, check its info file, apply the form's overrides, and queue it. */
export async function submitJob(deps: SubmitJobDeps, request: SubmitJobRequest): Promise<SubmittedJob> {
  const extracted = path.join(request.workDir, "job");
  await extractZip(request.zipPath, extracted, deps.limits);
  const root = findJobRoot(extracted, deps.jobFile, request.zipName);
  const detail = `${request.source === "api" ? "submitted through the API" : "uploaded"} as ${request.zipName}`;
  const by = request.submitter ? `; owned by account ${request.submitter.id}` : "";
  return queueStagedJob(deps, { dir: root.dir, name: root.name, overrides: request.overrides, source: request.source, submitter: request.submitter, detail: detail + by });
}

export interface StagedJob {
  /** A complete job folder outside QM_qJobs (under `.qm/staging/`). */
  dir: string;
  name: string;
  overrides?: InfoOverrides;
  source: "upload" | "api";
  submitter?: Submitter | null;
  detail: string;
}

/**
 * Queue a complete job folder: validate its info file as the worker does, create the
 * row (it names the folder before the folder appears, so the worker starts it at once
 * and never takes it for a hand-made drop), rename it into QM_qJobs, wake the worker.
 * A failure leaves no row and no folder in the queue.
 */
export async function queueStagedJob(deps: Pick<SubmitJobDeps, "store" | "layout" | "jobFile">, job: StagedJob): Promise<SubmittedJob> {
  const { store, layout, jobFile } = deps;
  const infoPath = path.join(job.dir, jobFile);
  const original = fs.readFileSync(infoPath, "utf8");
  let text = job.overrides ? applyInfoOverrides(jobFile, original, job.overrides) : original;
  let info = parseJobInfo(jobFile, text);
  if (!info.owner && job.submitter?.email) {
    // The submitter's e-mail, when neither the form nor the info file gives one.
    text = applyInfoOverrides(jobFile, text, { e_mail: job.submitter.email });
    info = parseJobInfo(jobFile, text);
  }
  if (text !== original) fs.writeFileSync(infoPath, text);

  let folder = relFolder("queued", freeName(layout.queued, job.name));
  const plan = planTransition("submit", null, "queued", {}, job.detail);
  const id = await store.createJob(
    { name: job.name, owner: info.owner ?? null, info: info.info ?? null, script: info.script, nbProc: info.nbProc, priority: info.priority, params: JSON.stringify(info.params), folder, source: job.source, userId: job.submitter?.id ?? null },
    plan,
  );
  let name: string;
  try {
    name = await moveFolder(job.dir, layout.queued, job.name, async (candidate) => {
      const next = relFolder("queued", candidate);
      if (next !== folder && (await store.update(id, { state: "queued", folder }, { folder: next }))) folder = next;
    });
  } catch (error) {
    await store.discard(id, { state: "queued", folder });
    throw new AppError("CONFLICT", `The job could not be placed in ${QUEUE_DIRS.queued} (${(error as Error).message}); try again`);
  }
  await wakeWorker(store.sql, layout);
  return { id, name, folder: relFolder("queued", name), state: "queued" };
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
