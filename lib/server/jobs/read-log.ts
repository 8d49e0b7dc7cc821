/** Tail of process.log by byte offset: the job page follows new lines with it. */
import type { LogChunk } from "../../core/api-types";
import { AppError } from "../../core/app-error";
import { createCommandLineFilter } from "../../core/command-line-filter";
import { COMMAND_LINE_PREFIX, LOG_FILE } from "../../core/job-log";
import type { JobFolderAccess } from "./job-folder";
import { openJobFile } from "./job-files";

const CHUNK = 64 * 1024;
const NL = 10;

/**
 * Bytes from `offset` (or the last 64 KB when absent) up to the last complete line,
 * so that a multi-byte character or a half-written line is never cut.
 *
 * When the viewer may not see the command (Display_details off), only whole lines are
 * shown, from their start: a chunk that starts inside a line (an offset chosen by hand,
 * or after a line longer than a chunk) drops the rest of that line, so no piece of a
 * `=== command:` line is ever shown, and those lines are replaced.
 */
export async function readLog(access: JobFolderAccess, offset?: number): Promise<LogChunk> {
  let opened;
  try {
    opened = await openJobFile(access, LOG_FILE);
  } catch (error) {
    if (error instanceof AppError && error.code === "NOT_FOUND") return { offset: 0, nextOffset: 0, size: 0, text: "", reset: false, exists: false };
    throw error;
  }
  const { handle, stat, hideCommand } = opened;
  try {
    const size = stat.size;
    let reset = false;
    let start = offset ?? Math.max(0, size - CHUNK);
    if (start > size) {
      reset = true;
      start = 0;
    }
    // One byte before `start` tells whether it begins a line.
    const before = start > 0 && hideCommand ? 1 : 0;
    const length = Math.min(CHUNK, size - start) + before;
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
    // Keep an unfinished last line for next time, unless the chunk is full (a huge line).
    const take = lastNl >= 0 ? lastNl + 1 : bytesRead === CHUNK ? bytes.length : 0;
    const text = showable(bytes.subarray(0, take), hideCommand);
    return { offset: start + skipped, nextOffset: start + skipped + take, size, text, reset, exists: true };
  } finally {
    await handle.close();
  }
}

function showable(bytes: Uint8Array, hideCommand: boolean): string {
  if (!hideCommand) return Buffer.from(bytes).toString("utf8");
  const filter = createCommandLineFilter(COMMAND_LINE_PREFIX);
  return Buffer.concat([filter.push(bytes), filter.end()]).toString("utf8");
}
