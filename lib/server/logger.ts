/**
 * One log line per event, with a level and, when the event is about a job, its id:
 *
 *   2026-11-30T10:15:02.113Z INFO  job=17 started (2 processor(s))
 *
 * Under systemd (journald reads our stdout) the time is left to the journal and each line
 * starts with its syslog priority (`<6>`), so `journalctl -p warning` picks warnings and
 * errors. Debug lines are written only while `debugEnabled()` says so (the `Debug` keys).
 *
 * Callers that know only `log(message)` keep working: a Log is callable (info level), and a
 * plain `(message) => void` is turned into one by toLog().
 */
import { format } from "node:util";

export const LOG_LEVELS = ["debug", "info", "warn", "error"] as const;
export type LogLevel = (typeof LOG_LEVELS)[number];

/** What a line may say besides its message. */
export interface LogFields {
  /** The job the event is about. */
  job?: number | null;
}

export interface LogLine extends LogFields {
  level: LogLevel;
  message: string;
  at: Date;
}

/** A logger: call it for an info line, or pick the level. */
export interface Log {
  (message: string, fields?: LogFields): void;
  debug(message: string, fields?: LogFields): void;
  info(message: string, fields?: LogFields): void;
  warn(message: string, fields?: LogFields): void;
  error(message: string, fields?: LogFields): void;
}

/** What the worker and the runner accept: a Log, or a plain function of a message (tests collect them). */
export type LogInput = (message: string) => void;

/** syslog priorities of the levels, as journald reads them from a `<N>` prefix. */
const PRIORITY: Record<LogLevel, number> = { debug: 7, info: 6, warn: 4, error: 3 };

/** One event on one line: embedded line breaks (stack traces) are folded. */
export function formatLogLine(line: LogLine, opts: { journald?: boolean } = {}): string {
  const text = line.message.replace(/\r?\n\s*/g, " | ");
  const job = line.job !== undefined && line.job !== null ? `job=${line.job} ` : "";
  const level = line.level.toUpperCase().padEnd(5);
  return opts.journald ? `<${PRIORITY[line.level]}>${level} ${job}${text}` : `${line.at.toISOString()} ${level} ${job}${text}`;
}

/**
 * The line a program ends on when it cannot start, written without a logger (it has none
 * yet). Under systemd it carries priority err: without it journald filed the one line that
 * says why qm-web or qm-worker failed as info, and `journalctl -p warning` (docs/deploy.md)
 * showed nothing. Elsewhere `terminal` (default: a log line with its time).
 */
export function cannotStartLine(message: string, journald: boolean, terminal?: string): string {
  const line: LogLine = { level: "error", message, at: new Date() };
  return journald ? formatLogLine(line, { journald }) : (terminal ?? formatLogLine(line));
}

/** The same event as a plain message, for callers that collect messages (`job 17: ...`). */
export function plainMessage(line: Pick<LogLine, "message" | "job">): string {
  return line.job !== undefined && line.job !== null ? `job ${line.job}: ${line.message}` : line.message;
}

export function createLogger(sink: (line: LogLine) => void, debugEnabled: () => boolean = () => false): Log {
  const at = (level: LogLevel) => (message: string, fields: LogFields = {}) => {
    if (level === "debug" && !debugEnabled()) return;
    sink({ level, message, job: fields.job, at: new Date() });
  };
  return Object.assign(at("info"), { debug: at("debug"), info: at("info"), warn: at("warn"), error: at("error") });
}

const isLog = (input: LogInput): input is Log => typeof (input as Partial<Log>).warn === "function";

/** A Log from what a caller passed: a Log as it is, a plain function fed plain messages. */
export function toLog(input: LogInput, debugEnabled: () => boolean): Log {
  return isLog(input) ? input : createLogger((line) => input(plainMessage(line)), debugEnabled);
}

/** A logger writing formatted lines to a stream (stdout by default). */
export function streamLogger(opts: { journald: boolean; debugEnabled: () => boolean; stream?: NodeJS.WritableStream }): Log {
  const stream = opts.stream ?? process.stdout;
  return createLogger((line) => stream.write(`${formatLogLine(line, opts)}\n`), opts.debugEnabled);
}

/**
 * Send console.log/info/warn/error/debug through `log`: what Next.js and libraries print
 * becomes one line per event with a level too. Used by the web server process only.
 */
export function routeConsole(log: Log): void {
  const to = (level: LogLevel) => (...args: unknown[]) => log[level](format(...args));
  Object.assign(console, { log: to("info"), info: to("info"), warn: to("warn"), error: to("error"), debug: to("debug") });
}
