/**
 * POST /api/jobs: receive the zips into `.qm/staging/<uuid>/`, read the form fields and
 * hand each zip over to submitJob(), one job each, with the same fields. The staging
 * folder is removed whatever happens.
 *
 * One zip (the submit page, curl): its job, or its refusal thrown as the request's error.
 * Several (the `qm` command): one outcome per zip, in the order sent; a bad zip does not
 * stop the others.
 *
 * Source: requests from the submit page carry `X-QM-Client: submit-form` and are
 * recorded as "upload"; every other client (curl, scripts) as "api".
 */
import crypto from "node:crypto";
import fs from "node:fs";
import path from "node:path";
import { type AppError, isAppError } from "../core/app-error";
import { priorityLimit } from "../core/priority-limit";
import { parseSubmitFields } from "../core/submit-job-schema";
import { type SubmittedJob, removeStaleStaging, submitJob } from "../server/jobs/submit-job";
import { assertRoomForUpload } from "../server/disk-space";
import { assertQmFolders, ensureQmFolders } from "../server/qm-folders";
import type { UserIdentity } from "../server/users/users";
import { zipLimitsFor } from "../server/zip/zip-limits";
import { getConfig, getLayout, getStore } from "./context";
import { receiveZipUpload } from "./receive-zip-upload";

export const SUBMIT_FORM_HEADER = "x-qm-client";
export const SUBMIT_FORM_VALUE = "submit-form";

/** What became of one zip of the request. */
export type SubmitOutcome = { ok: true; job: SubmittedJob } | { ok: false; zipName: string; error: AppError };

/** `user`: the logged-in submitter (the jobs become theirs), or null for an anonymous one. */
export async function handleSubmitRequest(request: Request, user: UserIdentity | null): Promise<SubmitOutcome[]> {
  const { config } = getConfig();
  const layout = getLayout();
  assertQmFolders(layout);
  // Refused before a byte is read: the declared size says whether it would fill the disk.
  assertRoomForUpload(layout.root, config, Number(request.headers.get("content-length")) || 0);
  ensureQmFolders(layout);
  removeStaleStaging(layout.staging);
  const workDir = path.join(layout.staging, crypto.randomUUID());
  fs.mkdirSync(workDir);
  try {
    const maxBytes = config.web.maxUploadMb * 1024 * 1024;
    const upload = await receiveZipUpload(request, workDir, maxBytes);
    const overrides = parseSubmitFields(upload.fields);
    const source = request.headers.get(SUBMIT_FORM_HEADER) === SUBMIT_FORM_VALUE ? "upload" : "api";
    const deps = { store: getStore(), layout, folderRule: { jobFile: config.jobFile, strict: config.strictJobFile }, limits: zipLimitsFor(config.web.maxUploadMb), diskRule: config };
    const outcomes: SubmitOutcome[] = [];
    for (const [i, zip] of upload.zips.entries()) {
      const zipDir = path.join(workDir, String(i));
      fs.mkdirSync(zipDir);
      try {
        const submitter = user && { id: user.id, username: user.username, email: user.email };
        const job = await submitJob(deps, { ...zip, workDir: zipDir, overrides, source, submitter, priorityLimit: priorityLimit(config.maxUserPriority, user?.role === "admin") });
        outcomes.push({ ok: true, job });
      } catch (error) {
        if (upload.zips.length === 1 || !isAppError(error)) throw error;
        outcomes.push({ ok: false, zipName: zip.zipName, error });
      }
    }
    return outcomes;
  } finally {
    // Retries: a write stream cut off by a rejection may still be closing.
    fs.rmSync(workDir, { recursive: true, force: true, maxRetries: 5, retryDelay: 50 });
  }
}
