/**
 * What a QM 0.4 (or QueueManager) process.log says of its run, for the history import and
 * for a Python QM's run found in QM_Jobs at the first start (worker/recovery.ts). A module
 * of its own: the worker loads it at every start, and the import with its parsers only
 * when there is history to import.
 */
import fs from "node:fs";
import path from "node:path";
import { LOG_FILE } from "../../core/job-log";
import { type LogFacts, parseHistoricLog } from "../../core/qm-history";
import { readTail } from "../read-tail";

/** A plain file's modification time (its last write), or null when it is missing or not a plain file. */
export function fileMtime(file: string): Date | null {
  try {
    const stat = fs.lstatSync(file);
    return stat.isFile() ? stat.mtime : null;
  } catch {
    return null;
  }
}

/**
 * What a QM 0.4 (or QueueManager) process.log says of its run, and the text read for it:
 * the start line is at the top, the end lines at the bottom, so both ends of a long log.
 */
export function readHistoricLog(dir: string): { text: string; facts: LogFacts } {
  const logPath = path.join(dir, LOG_FILE);
  const size = fs.existsSync(logPath) ? fs.lstatSync(logPath).size : 0;
  const text = size > 80 * 1024 ? `${readHead(logPath, 8 * 1024)}\n${readTail(logPath, 64 * 1024)}` : readTail(logPath, 80 * 1024);
  return { text, facts: parseHistoricLog(text) };
}

function readHead(file: string, bytes: number): string {
  const fd = fs.openSync(file, fs.constants.O_RDONLY | fs.constants.O_NOFOLLOW);
  try {
    const buffer = Buffer.alloc(bytes);
    return buffer.subarray(0, fs.readSync(fd, buffer, 0, bytes, 0)).toString("utf8");
  } finally {
    fs.closeSync(fd);
  }
}
