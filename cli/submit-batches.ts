/**
 * How `qm submit` sends many jobs: several zips per request (POST /api/jobs takes up to
 * 100), because a request costs the server more than most of a small job's own handling.
 */
import type { ApiClient } from "./api-client";
import { ANSWER, type SubmitAnswer } from "./answer-shapes";
import { CliError, EXIT } from "./errors";
import { type JobUpload, inUsersWords } from "./job-input";
import { multipartBody } from "./multipart";
import { isScriptNote } from "../lib/core/reading-notes";

// Zips sent in one request, at most (the server takes up to 100): one request per job
// would cost the server more than most of the job's own handling.
const BATCH_FILES = 25;
const BATCH_BYTES = 8 * 1024 * 1024;

/** What one PATH queued: its job's id, or an array's element ids and the array's own id. */
export interface Queued {
  ids: number[];
  arrayId: number | null;
}

/** What one PATH queued, or why it was not queued. */
export type Result = Queued | CliError;

/** One PATH of the command line, read and zipped. */
export interface BatchItem {
  index: number;
  upload: JobUpload;
}

/** Batches of at most BATCH_FILES zips and BATCH_BYTES, in order (one zip larger than BATCH_BYTES goes alone). */
export function planBatches(items: BatchItem[]): BatchItem[][] {
  const batches: BatchItem[][] = [];
  let bytes = 0;
  for (const item of items) {
    const last = batches.at(-1);
    if (!last || last.length >= BATCH_FILES || bytes + item.upload.zip.length > BATCH_BYTES) {
      batches.push([item]);
      bytes = item.upload.zip.length;
    } else {
      last.push(item);
      bytes += item.upload.zip.length;
    }
  }
  return batches;
}

/** Send `items` (index, upload) in one request; each gets its ids or its error, and `note` hears what the server said of it. */
export async function sendBatch(
  api: ApiClient,
  fields: Record<string, string | undefined>,
  items: { index: number; upload: JobUpload }[],
  results: Result[],
  note: (index: number, text: string) => void,
): Promise<void> {
  let answer: SubmitAnswer;
  try {
    answer = await api.call("POST", "/api/jobs", ANSWER.submitted, multipartBody(fields, items.map((i) => ({ name: i.upload.fileName, data: i.upload.zip }))));
  } catch (error) {
    // Too large together (Max_Upload_MB counts the whole request): one at a time.
    if (items.length > 1 && error instanceof CliError && /larger than/.test(error.message)) {
      for (const item of items) await sendBatch(api, fields, [item], results, note);
      return;
    }
    const refused = error instanceof CliError ? error : new CliError(EXIT.FAILED, (error as Error).message);
    // One job sent: the server's refusal is about it.
    for (const item of items) results[item.index] = items.length === 1 ? new CliError(refused.exitCode, inUsersWords(item.upload, refused.message), refused.transient) : refused;
    return;
  }
  const entries = answer.jobs ?? [{ ...answer.job!, array: answer.array ?? answer.job!.array }];
  items.forEach((item, k) => {
    const entry = entries[k];
    if (!entry || "error" in entry) {
      results[item.index] = new CliError(EXIT.FAILED, entry ? inUsersWords(item.upload, entry.error.message) : "the server did not answer for this job");
      return;
    }
    // What the server said of the job, but not that a script with #QM lines is one: that is how it was given.
    for (const text of Array.isArray(entry.notes) ? entry.notes : []) if (typeof text === "string" && !isScriptNote(text)) note(item.index, text);
    // An array's own id is what `--array ID` and `--after array:ID` take: said, as its elements' ids are printed.
    if (entry.array) note(item.index, `array ${entry.array.id} (${entry.array.jobIds.length} elements): act on all of them with --array ${entry.array.id}, wait for them with --after array:${entry.array.id}`);
    results[item.index] = { ids: entry.array?.jobIds ?? [entry.id], arrayId: entry.array?.id ?? null };
  });
}
