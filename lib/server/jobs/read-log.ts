/**
 * Text files of a job read by byte offset: process.log's tail, which the job page follows,
 * and any text file in the file viewer (read from its start, or followed as it grows).
 */
import type { FileHandle } from "node:fs/promises";
import type { LogChunk } from "../../core/api-types";
import { AppError } from "../../core/app-error";
import { createDetailsFilter } from "../../core/command-line-filter";
import { COMMAND_LINE_PREFIX, LOG_FILE, RUNS_AS_PREFIX } from "../../core/job-log";
import type { JobFolderAccess } from "./job-folder";
import { openJobFile } from "./job-files";

const CHUNK = 64 * 1024;
/** The most one request of the file viewer reads. */
export const MAX_TEXT_CHUNK = 512 * 1024;
const NL = 10;
/** A carriage return ends a line too: a progress bar (tqdm) repaints its line with them and writes no newline until it is done. */
const CR = 13;

const lastLineEnd = (bytes: Uint8Array) => Math.max(bytes.lastIndexOf(NL), bytes.lastIndexOf(CR));

/** Where the first line of `bytes` ends (its CR of a CRLF counted with the LF), or -1. */
function firstLineEnd(bytes: Uint8Array): number {
  const nl = bytes.indexOf(NL);
  const cr = bytes.indexOf(CR);
  const end = nl < 0 ? cr : cr < 0 ? nl : Math.min(nl, cr);
  return end >= 0 && bytes[end] === CR && bytes[end + 1] === NL ? end + 1 : end;
}

const HIDDEN_PREFIXES = [COMMAND_LINE_PREFIX, RUNS_AS_PREFIX].map((prefix) => Buffer.from(prefix));

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
 * line end, so that a multi-byte character or a half-written line is never cut. A line
 * ends with a newline or a carriage return: the latest state of a progress bar that
 * repaints its line is served while it runs (the page shows what a terminal would).
 *
 * When the viewer may not see the command (Display_details off, process.log), only whole
 * lines are shown, from their start: a chunk that starts inside a line (an offset chosen
 * by hand, or after a line longer than a chunk) drops the rest of that line, so no piece
 * of a `=== command:` line is ever shown, and those lines are replaced. A chunk that starts
 * after a carriage return starts a line only if the newline-ended line it is in is not
 * one of those (which the filter judges by newlines alone).
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
    // Read from an offset, a chunk starts a line after a line end; with hidden details, see above.
    const startsLine = async () => !hideCommand || buffer[0] === NL || (buffer[0] === CR && !(await inHiddenLine(handle, start)));
    const midLine = start > 0 && (offset === undefined || !(await startsLine()));
    const bytesRead = read - before;
    let bytes = buffer.subarray(before, read);
    let skipped = 0;
    if (midLine) {
      // Started inside a line: drop its rest (all of it, up to its newline, when hidden details are at stake).
      const end = hideCommand ? bytes.indexOf(NL) : firstLineEnd(bytes);
      skipped = end >= 0 ? end + 1 : hideCommand ? bytes.length : 0;
      bytes = bytes.subarray(skipped);
    }
    const lastEnd = lastLineEnd(bytes);
    // Keep an unfinished last line for next time, unless the chunk is full (a huge line) or the end is wanted.
    const atEnd = options.toEnd && start + bytesRead >= size;
    const take = atEnd || (lastEnd < 0 && bytesRead === limit) ? bytes.length : lastEnd + 1;
    const text = showable(bytes.subarray(0, take), hideCommand);
    return { offset: start + skipped, nextOffset: start + skipped + take, size, text, reset, exists: true };
  } finally {
    await handle.close();
  }
}

/**
 * Whether the newline-ended line holding byte `at` is one that Display_details hides; a line
 * whose start is more than a chunk back is taken to be one (its rest is not shown).
 */
async function inHiddenLine(handle: FileHandle, at: number): Promise<boolean> {
  const from = Math.max(0, at - CHUNK);
  const buffer = Buffer.alloc(at - from);
  const { bytesRead } = await handle.read(buffer, 0, buffer.length, from);
  const nl = buffer.subarray(0, bytesRead).lastIndexOf(NL);
  if (nl < 0 && from > 0) return true;
  const line = buffer.subarray(nl + 1, bytesRead);
  return HIDDEN_PREFIXES.some((prefix) => line.subarray(0, prefix.length).equals(prefix));
}

function showable(bytes: Uint8Array, hideCommand: boolean): string {
  if (!hideCommand) return Buffer.from(bytes).toString("utf8");
  const filter = createDetailsFilter();
  return Buffer.concat([filter.push(bytes), filter.end()]).toString("utf8");
}
