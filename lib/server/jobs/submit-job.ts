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
import type { Db } from "../db";
import { type QmLayout, QUEUE_DIRS, freeName, wakeWorker } from "../qm-folders";
import { extractZip } from "../zip/extract-zip";
import { findJobRoot } from "../zip/job-root";
import type { ZipLimits } from "../zip/zip-limits";

export interface SubmitJobDeps {
  db: Db;
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
}

export interface SubmittedJob {
  id: number;
  name: string;
  folder: string;
}

const MAX_RENAME_TRIES = 5;

export async function submitJob(deps: SubmitJobDeps, request: SubmitJobRequest): Promise<SubmittedJob> {
  const { db, layout, jobFile } = deps;
  const extracted = path.join(request.workDir, "job");
  await extractZip(request.zipPath, extracted, deps.limits);
  const root = findJobRoot(extracted, jobFile, request.zipName);

  const infoPath = path.join(root.dir, jobFile);
  const original = fs.readFileSync(infoPath, "utf8");
  const text = applyInfoOverrides(jobFile, original, request.overrides);
  const info = parseJobInfo(jobFile, text);
  if (text !== original) fs.writeFileSync(infoPath, text);

  let name = freeName(layout.queued, root.name);
  const job = await db.job.create({
    data: {
      name,
      owner: info.owner ?? null,
      info: info.info ?? null,
      script: info.script,
      nbProc: info.nbProc,
      priority: info.priority,
      params: JSON.stringify(info.params),
      state: "queued",
      folder: `${QUEUE_DIRS.queued}/${name}`,
      source: request.source,
      events: { create: { kind: "queued", detail: `${request.source === "api" ? "submitted through the API" : "uploaded"} as ${request.zipName}` } },
    },
  });
  try {
    for (let attempt = 1; ; attempt++) {
      try {
        renameNoReplace(root.dir, path.join(layout.queued, name));
        break;
      } catch (error) {
        const code = (error as NodeJS.ErrnoException).code;
        // Someone took the name between freeName() and rename(): take the next one.
        if ((code !== "EEXIST" && code !== "ENOTEMPTY") || attempt >= MAX_RENAME_TRIES) throw error;
        name = freeName(layout.queued, root.name);
        await db.job.update({ where: { id: job.id }, data: { name, folder: `${QUEUE_DIRS.queued}/${name}` } });
      }
    }
  } catch (error) {
    await db.job.delete({ where: { id: job.id } }).catch(() => undefined);
    throw new AppError("CONFLICT", `The job could not be placed in ${QUEUE_DIRS.queued} (${(error as Error).message}); try again`);
  }
  wakeWorker(layout);
  return { id: job.id, name, folder: `${QUEUE_DIRS.queued}/${name}` };
}

/** rename(2) replaces an empty target folder; refuse that so two uploads never merge. */
function renameNoReplace(from: string, to: string): void {
  if (fs.existsSync(to)) throw Object.assign(new Error(`${to} exists`), { code: "EEXIST" });
  fs.renameSync(from, to);
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
