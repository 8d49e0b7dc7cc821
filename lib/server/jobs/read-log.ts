/** Tail of process.log by byte offset: the job page follows new lines with it. */
import type { LogChunk } from "../../core/api-types";
import { AppError } from "../../core/app-error";
import { openJobFile } from "./job-files";

import { LOG_FILE } from "../../core/job-log";
const CHUNK = 64 * 1024;

/**
 * Bytes from `offset` (or the last 64 KB when absent) up to the last complete line,
 * so that a multi-byte character or a half-written line is never cut.
 */
export async function readLog(root: string, offset?: number): Promise<LogChunk> {
  let opened;
  try {
    opened = await openJobFile(root, LOG_FILE);
  } catch (error) {
    if (error instanceof AppError && error.code === "NOT_FOUND") return { offset: 0, nextOffset: 0, size: 0, text: "", reset: false, exists: false };
    throw error;
  }
  const { handle, stat } = opened;
  try {
    const size = stat.size;
    let reset = false;
    let start = offset ?? Math.max(0, size - CHUNK);
    if (start > size) {
      reset = true;
      start = 0;
    }
    const length = Math.min(CHUNK, size - start);
    const buffer = Buffer.alloc(length);
    const { bytesRead } = length > 0 ? await handle.read(buffer, 0, length, start) : { bytesRead: 0 };
    let bytes = buffer.subarray(0, bytesRead);
    let skipped = 0;
    if (offset === undefined && start > 0) {
      // Started mid-file: drop the partial first line.
      const nl = bytes.indexOf(10);
      skipped = nl >= 0 ? nl + 1 : 0;
      bytes = bytes.subarray(skipped);
    }
    const lastNl = bytes.lastIndexOf(10);
    // Keep an unfinished last line for next time, unless the chunk is full (a huge line).
    const take = lastNl >= 0 ? lastNl + 1 : bytesRead === CHUNK ? bytes.length : 0;
    const text = bytes.subarray(0, take).toString("utf8");
    return { offset: start + skipped, nextOffset: start + skipped + take, size, text, reset, exists: true };
  } finally {
    await handle.close();
  }
}
