/**
 * What QueueManager writes into a job's process.log (a header before each run, a footer
 * after it) and reads back from it after a crash; and the time stamp of finished folders.
 */
import { formatDuration } from "./format";

/** Every run's output and QueueManager's header and footer lines, in the job folder. */
export const LOG_FILE = "process.log";

/** How the header line that shows the job's command starts (hidden from visitors when Display_details is off). */
export const COMMAND_LINE_PREFIX = "=== command: ";

/** The header note naming the Unix account a run runs as: its owner's own under Run_As, so hidden with the details too. */
export const runsAsNote = (name: string, uid: number) => `runs as ${name} (uid ${uid})`;
/** How that note's header line starts. */
export const RUNS_AS_PREFIX = "=== runs as ";

/** Folder-name time stamp, UTC, without colons (safe on every OS the folder may be copied to): 2026-11-28T04-36-00Z. */
export function folderStamp(date: Date): string {
  return date.toISOString().replace(/\.\d{3}Z$/, "Z").replace(/:/g, "-");
}

export interface HeaderInput {
  jobId: number;
  name: string;
  host: string;
  script: string;
  requested: number;
  granted: number;
  maxNbProcessors: number;
  at: Date;
  /** Names this run (the row's runToken): recovery tells which run a log belongs to. */
  runToken?: string;
  /** More `=== ` lines about this run (limits, CPUs held, notes). */
  notes?: string[];
}

export function logHeader(h: HeaderInput): string {
  const lines: string[] = [];
  if (h.requested > h.granted) {
    lines.push(
      `[QM] warning: nb_proc = ${h.requested} is more than MaxNbProcessors = ${h.maxNbProcessors}; this run gets ${h.granted} processor(s)`,
    );
  }
  lines.push(
    `=== QueueManager job ${h.jobId} "${h.name}" started ${h.at.toISOString()} on ${h.host}${h.runToken ? ` (run ${h.runToken})` : ""}`,
    `${COMMAND_LINE_PREFIX}${h.script}`,
    `=== processors: ${h.granted} (NB_PROC, OMP_NUM_THREADS, MKL_NUM_THREADS, OPENBLAS_NUM_THREADS)`,
    ...(h.notes ?? []).map((note) => `=== ${note}`),
  );
  return `${lines.join("\n")}\n`;
}

export interface FooterInput {
  jobId: number;
  at: Date;
  exitCode: number | null;
  signal: string | null;
  durationMs: number;
  /** The state the job ends in (failed, killed...): said in the footer wherever its folder goes. */
  state?: string;
  note?: string;
  /** Words instead of the outcome (a run lost while no worker watched: "outcome unknown", which lastFooter does not read). */
  outcome?: string;
}

/**
 * How a run ended, in the footer's and the history's words: "killed by SIGTERM", "exit code 3",
 * or "no exit code" for a run that never ran to an end of its own (cancelled while pending
 * in Slurm, refused by sbatch, lost), which read "exit code null".
 */
export function outcomeWords(exitCode: number | null, signal: string | null): string {
  return signal ? `killed by ${signal}` : exitCode !== null ? `exit code ${exitCode}` : "no exit code";
}

/** The footer's duration is for people only: lastFooter() reads the outcome, never the duration. */
export function logFooter(f: FooterInput): string {
  const how = f.outcome ?? outcomeWords(f.exitCode, f.signal);
  const note = f.note ? `\n=== ${f.note}` : "";
  const state = f.state ? `, state ${f.state}` : "";
  return `=== QueueManager job ${f.jobId} ended ${f.at.toISOString()}: ${how}, duration ${formatDuration(f.durationMs)}${state}${note}\n`;
}

/** The job id of the last header in a process.log, or null. */
export function lastHeaderJobId(text: string): number | null {
  return lastHeader(text)?.jobId ?? null;
}

/** A run's header line: its job id and, since runs had them, its run token. */
const HEADER_LINE = /^=== QueueManager job (\d+) ".*" started .*?(?: \(run ([\w-]+)\))?$/gm;

/** The job id and run token of the last header in a process.log, or null. */
export function lastHeader(text: string): { jobId: number; runToken: string | null } | null {
  let found: { jobId: number; runToken: string | null } | null = null;
  for (const m of text.matchAll(HEADER_LINE)) found = { jobId: Number(m[1]), runToken: m[2] ?? null };
  return found;
}

/**
 * What the last run wrote: the text after the last header line, or all of it when it holds
 * none (the end of a long run's output). A requeued job's log holds its earlier runs too,
 * whose progress lines are not this run's.
 */
export function lastRunOutput(text: string): string {
  let from = 0;
  for (const m of text.matchAll(HEADER_LINE)) from = m.index + m[0].length;
  return text.slice(from);
}

/** The outcome written by the last footer, if the last run has one. */
export function lastFooter(text: string): { exitCode: number | null; signal: string | null } | null {
  const started = text.lastIndexOf("=== QueueManager job ");
  // "exit code null": what footers said before "no exit code".
  const m = /^=== QueueManager job \d+ ended \S+: (?:killed by (\S+)|exit code (-?\d+|null)|no exit code),/m.exec(text.slice(started));
  if (!m) return null;
  return { signal: m[1] ?? null, exitCode: m[2] === undefined || m[2] === "null" ? null : Number(m[2]) };
}
