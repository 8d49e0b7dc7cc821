/**
 * POST /api/jobs: receive the zip into `.qm/staging/<uuid>/`, read the form fields and
 * hand over to submitJob(). The staging folder is removed whatever happens.
 *
 * Source: requests from the submit page carry `X-QM-Client: submit-form` and are
 * recorded as "upload"; every other client (curl, scripts) as "api".
 */
import crypto from "node:crypto";
import fs from "node:fs";
import path from "node:path";
import { parseSubmitFields } from "../core/submit-job-schema";
import { type SubmittedJob, removeStaleStaging, submitJob } from "../server/jobs/submit-job";
import { assertRoomForUpload } from "../server/disk-space";
import { assertQmFolders, ensureQmFolders } from "../server/qm-folders";
import { zipLimitsFor } from "../server/zip/zip-limits";
import { getConfig, getLayout, getStore } from "./context";
import { receiveZipUpload } from "./receive-zip-upload";

export const SUBMIT_FORM_HEADER = "x-qm-client";
export const SUBMIT_FORM_VALUE = "submit-form";

export async function handleSubmitRequest(request: Request): Promise<SubmittedJob> {
  const { config } = getConfig();
  const layout = getLayout();
  assertQmFolders(layout);
  // Refused before a byte is read: the declared size says whether it would fill the disk.
  assertRoomForUpload(layout.root, config.minFreeMb, Number(request.headers.get("content-length")) || 0);
  ensureQmFolders(layout);
  removeStaleStaging(layout.staging);
  const workDir = path.join(layout.staging, crypto.randomUUID());
  fs.mkdirSync(workDir);
  try {
    const maxBytes = config.web.maxUploadMb * 1024 * 1024;
    const upload = await receiveZipUpload(request, workDir, maxBytes);
    const overrides = parseSubmitFields(upload.fields);
    const source = request.headers.get(SUBMIT_FORM_HEADER) === SUBMIT_FORM_VALUE ? "upload" : "api";
    return await submitJob(
      { store: getStore(), layout, folderRule: { jobFile: config.jobFile, strict: config.strictJobFile }, limits: zipLimitsFor(config.web.maxUploadMb) },
      { zipPath: upload.zipPath, zipName: upload.zipName, workDir, overrides, source },
    );
  } finally {
    // Retries: a write stream cut off by a rejection may still be closing.
    fs.rmSync(workDir, { recursive: true, force: true, maxRetries: 5, retryDelay: 50 });
  }
}
