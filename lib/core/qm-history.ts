/**
 * What a finished job folder of an earlier installation says about its job, for the
 * history import: the Python QM's names and process.log lines, and our own.
 *
 * Folder names in QM_dJobs and QM_lost+found:
 * - ours: `2026-11-28T04-36-00Z-name` (UTC, no colons);
 * - QM 0.4: `2021-02-16T10:23:45-name` (the server's local time), and in QM_lost+found
 *   `2021-02-16T10:23:45name` for the folders it found in QM_Jobs at start;
 * - QM 0.2 and 0.3: the bare name.
 *
 * QM 0.4's process.log, in blocking mode: `Job started by QM at:  <local ISO>`, then the
 * script's output, `Job finished at: <local ISO> with code N`, and `elapsed time: 12.0s`
 * (`dure: 12.0s` in a fork); invalid jobs got `Job invalid: <path>` and stayed in
 * QM_dJobs under their bare name. In non-blocking mode it wrote none of these lines.
 */
import { FINISHED_STATES, type FinishedState } from "./job-lifecycle";
import { signalName } from "./exit-record";

export interface HistoricName {
  /** The job's name, without the time stamp. */
  name: string;
  /** When the folder was moved there, when its name says. */
  stampedAt: Date | null;
  style: "ours" | "qm04" | "qm04-leftover" | "bare";
}

const OURS = /^(\d{4}-\d\d-\d\dT\d\d)-(\d\d)-(\d\d)Z-(.+)$/;
const QM04 = /^(\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d)(-?)(.+)$/;

/** A local date-time without offset ("2021-02-16T10:23:45"), as QM 0.4 wrote them. */
const localTime = (text: string): Date | null => {
  const d = new Date(text.trim());
  return Number.isNaN(d.getTime()) ? null : d;
};

export function parseHistoricName(folderName: string): HistoricName {
  const ours = OURS.exec(folderName);
  if (ours) return { name: ours[4], stampedAt: new Date(`${ours[1]}:${ours[2]}:${ours[3]}Z`), style: "ours" };
  const qm = QM04.exec(folderName);
  if (qm) return { name: qm[3], stampedAt: localTime(qm[1]), style: qm[2] ? "qm04" : "qm04-leftover" };
  return { name: folderName, stampedAt: null, style: "bare" };
}

/** What a process.log tells about its last run. */
export interface LogFacts {
  startedAt?: Date;
  finishedAt?: Date;
  exitCode?: number;
  signal?: string;
  durationMs?: number;
  /** QM 0.4 refused the job (`Job invalid:`). */
  invalid?: boolean;
  /** The end state our own footer names. */
  state?: FinishedState;
}

/**
 * QM 0.4 wrote Python's return code: a negative one (-9) is the signal that killed the
 * script (subprocess' convention), not an exit code.
 */
function setReturnCode(f: LogFacts, code: number): void {
  if (code < 0) {
    f.signal = signalName(-code);
    f.exitCode = undefined;
  } else {
    f.exitCode = code;
    f.signal = undefined;
  }
}

const LINES: [RegExp, (m: RegExpMatchArray, facts: LogFacts) => void][] = [
  [/^Job started by QM at:\s*(\S+)/, (m, f) => {
    f.startedAt = localTime(m[1]) ?? f.startedAt;
  }],
  [/^Job finished at:\s*(\S+) with code (-?\d+)/, (m, f) => {
    f.finishedAt = localTime(m[1]) ?? f.finishedAt;
    setReturnCode(f, Number(m[2]));
  }],
  [/^(?:elapsed time|dure)\s*:\s*([\d.]+)\s*s/, (m, f) => {
    f.durationMs = Math.round(Number(m[1]) * 1000);
  }],
  [/^Script could not be run, aborted(?:, with retcode is (-?\d+))?/, (m, f) => {
    if (m[1] === undefined) f.exitCode = -1;
    else setReturnCode(f, Number(m[1]));
  }],
  [/^Job invalid:/, (_m, f) => {
    f.invalid = true;
  }],
  [/^=== QueueManager job \d+ ".*" started (\S+)/, (m, f) => {
    f.startedAt = new Date(m[1]);
  }],
  [/^=== QueueManager job \d+ ended (\S+): (?:killed by (\S+)|exit code (-?\d+|null)), duration [^,\n]*(?:, state (\w+))?/, (m, f) => {
    f.finishedAt = new Date(m[1]);
    if (m[2]) f.signal = m[2];
    else if (m[3] !== "null") f.exitCode = Number(m[3]);
    if (m[4] && (FINISHED_STATES as readonly string[]).includes(m[4])) f.state = m[4] as FinishedState;
  }],
];

/** Read the lines QM 0.4 and QueueManager write; later lines win (the last run). */
export function parseHistoricLog(text: string): LogFacts {
  const facts: LogFacts = {};
  for (const line of text.split(/\r?\n/)) {
    for (const [pattern, apply] of LINES) {
      const m = pattern.exec(line);
      if (m) apply(m, facts);
    }
  }
  return facts;
}

/** Where the folder was found, and the times the filesystem knows. */
export interface FolderFacts {
  queue: "done" | "lost";
  name: HistoricName;
  log: LogFacts;
  /** The info file's modification time: when QM 0.4 considered the job submitted. */
  infoMtime: Date | null;
  /** process.log's (or else the folder's) modification time: about when it ended. */
  lastWrite: Date;
}

/** The row an imported folder becomes: state, times and exit code. */
export interface HistoricOutcome {
  state: FinishedState;
  submittedAt: Date;
  startedAt: Date | null;
  finishedAt: Date;
  exitCode: number | null;
  signal: string | null;
}

function stateOf(f: FolderFacts): FinishedState {
  const { log } = f;
  if (log.invalid) return "invalid";
  if (log.state) return log.state;
  if (log.signal) return "killed";
  if (log.exitCode !== undefined) return log.exitCode === 0 ? "done" : "failed";
  // No exit code (QM 0.4 in non-blocking mode): QM_dJobs held the jobs that ran to an end;
  // QM_lost+found the ones something went wrong with (left-overs of a QM restart).
  return f.queue === "done" ? "done" : "lost";
}

export function historicOutcome(f: FolderFacts): HistoricOutcome {
  const finishedAt = f.log.finishedAt ?? f.name.stampedAt ?? f.lastWrite;
  const startedAt = f.log.startedAt ?? (f.log.durationMs !== undefined ? new Date(finishedAt.getTime() - f.log.durationMs) : null);
  const ran = startedAt ?? finishedAt;
  const submittedAt = f.infoMtime && f.infoMtime < ran ? f.infoMtime : ran;
  return { state: stateOf(f), submittedAt, startedAt, finishedAt, exitCode: f.log.exitCode ?? null, signal: f.log.signal ?? null };
}

/** What a history import did (POST /api/admin/history, and at the first start). */
export interface ImportReport {
  at: string;
  imported: number;
  /** Folders already known (imported before, or QueueManager's own jobs). */
  known: number;
  /** Folders QueueManager moved there in the last minute, left for the next import (absent in reports stored before). */
  waiting?: number;
  /** The first 100 job ids created, oldest folder first. */
  ids: number[];
  /** Folders that could not be read, with why. */
  problems: string[];
  /** Folders whose names were not UTF-8, renamed before their import: "old -> new" (lib/server/undecodable-names.ts). */
  renamed?: string[];
}
