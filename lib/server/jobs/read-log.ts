/**
 * Text files of a job read by byte offset: process.log's tail, which the job page follows,
 * and any text file in the file viewer (read from its start, or followed as it grows).
 */
import type { LogChunk } from "../../core/api-types";
import { AppError } from "../../core/app-error";
import { createDetailsFilter } from "../../core/command-line-filter";
import { LOG_FILE } from "../../core/job-log";
import type { JobFolderAccess } from "./job-folder";
import { openJobFile } from "./job-files";

const CHUNK = 64 * 1024;
/** The most one request of the file viewer reads. */
export const MAX_TEXT_CHUNK = 512 * 1024;
const NL = 10;

/** process.log from `offset`, or its last 64 KB; a log not written yet is `exists: false`. */
export async function readLog(access: JobFolderAccess, offset?: number): Promise<LogChunk> {
  try {
    return await readTextChunk(access, LOG_FILE, offset ?? "tail");
  } catch (error) {
    if (error instanceof AppError && error.code === "NOT_FOUND") return { offset: 0, nextOffset: 0, size: 0, text: "", reset: false, exists: false };
    throw error;
  }
}

export interface TextChunkOptions {
  /** Bytes to read at most (64 KB; at most MAX_TEXT_CHUNK). */
  chunk?: number;
  /** Include an unfinished last line when the chunk reaches the end of the file (the file viewer). */
  toEnd?: boolean;
}

/**
 * Bytes of `rel` from `offset` (or the last `chunk` bytes for "tail") up to the last
 * complete line, so that a multi-byte character or a half-written line is never cut.
 *
 * When the viewer may not see the command (Display_details off, process.log), only whole
 * lines are shown, from their start: a chunk that starts inside a line (an offset chosen
 * by hand, or after a line longer than a chunk) drops the rest of that line, so no piece
 * of a `=== command:` line is ever shown, and those lines are replaced.
 */
export async function readTextChunk(access: JobFolderAccess, rel: string, from: number | "tail", options: TextChunkOptions = {}): Promise<LogChunk> {
  const limit = Math.min(options.chunk ?? CHUNK, MAX_TEXT_CHUNK);
  const offset = from === "tail" ? undefined : from;
  const opened = await openJobFile(access, rel);
  const { handle, stat, hideCommand } = opened;
  try {
    const size = stat.size;
    let reset = false;
    let start = offset ?? Math.max(0, size - limit);
    if (start > size) {
      reset = true;
      start = 0;
    }
    // One byte before `start` tells whether it begins a line.
    const before = start > 0 && hideCommand ? 1 : 0;
    const length = Math.min(limit, size - start) + before;
    const buffer = Buffer.alloc(length);
    const { bytesRead: read } = length > 0 ? await handle.read(buffer, 0, length, start - before) : { bytesRead: 0 };
    const midLine = start > 0 && (offset === undefined || (hideCommand && buffer[0] !== NL));
    const bytesRead = read - before;
    let bytes = buffer.subarray(before, read);
    let skipped = 0;
    if (midLine) {
      // Started inside a line: drop its rest (all of it when hidden details are at stake).
      const nl = bytes.indexOf(NL);
      skipped = nl >= 0 ? nl + 1 : hideCommand ? bytes.length : 0;
      bytes = bytes.subarray(skipped);
    }
    const lastNl = bytes.lastIndexOf(NL);
    // Keep an unfinished last line for next time, unless the chunk is full (a huge line) or the end is wanted.
    const atEnd = options.toEnd && start + bytesRead >= size;
    const take = atEnd || (lastNl < 0 && bytesRead === limit) ? bytes.length : lastNl + 1;
    const text = showable(bytes.subarray(0, take), hideCommand);
    return { offset: start + skipped, nextOffset: start + skipped + take, size, text, reset, exists: true };
  } finally {
    await handle.close();
  }
}

function showable(bytes: Uint8Array, hideCommand: boolean): string {
  if (!hideCommand) return Buffer.from(bytes).toString("utf8");
  const filter = createDetailsFilter();
  return Buffer.concat([filter.push(bytes), filter.end()]).toString("utf8");
}
