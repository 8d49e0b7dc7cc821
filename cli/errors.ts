/**
 * The qm command's exit codes (docs/cli.md), in one place. `qm wait` and `qm submit
 * --wait` exit with the job's own code instead (see exitCodeOfJob).
 */
export const EXIT = {
  OK: 0,
  /** The server refused or failed (no such job, not in a state that allows it, a bug). */
  FAILED: 1,
  /** The command line is wrong: unknown option, missing argument. */
  USAGE: 2,
  /** QueueManager could not be reached (wrong QM_URL, server down, network), or said nothing for QM_TIMEOUT seconds. */
  UNREACHABLE: 3,
  /** Not logged in, or not allowed (401, 403): `qm login`, or ask the administrator. */
  AUTH: 4,
  /** `qm wait --timeout`: the jobs were still going when the time ran out (as timeout(1)). */
  TIMEOUT: 124,
  /** `qm wait`: the job ended without an exit code (lost, invalid, cancelled, deleted). */
  NO_EXIT_CODE: 125,
} as const;

/** An error the command reports on stderr, then exits with `exitCode`. */
export class CliError extends Error {
  constructor(
    readonly exitCode: number,
    message: string,
    /** The server is away for a moment (502, 503, 504): a poll may try again (cli/outage.ts). */
    readonly transient = false,
  ) {
    super(message);
    this.name = "CliError";
  }
}

export const usageError = (message: string) => new CliError(EXIT.USAGE, message);

/** `--name`'s value as a whole number from min to max (`fallback` when not given), or a usage error naming what was given. */
export function wholeNumberOption(name: string, value: unknown, min: number, max: number, fallback: number): number {
  if (value === undefined) return fallback;
  const n = Number(value);
  if (typeof value !== "string" || !/^-?\d+$/.test(value.trim()) || n < min || n > max) throw usageError(`--${name} takes a whole number from ${min} to ${max}, not "${String(value)}"`);
  return n;
}

const SIGNALS: Record<string, number> = { SIGHUP: 1, SIGINT: 2, SIGQUIT: 3, SIGKILL: 9, SIGSEGV: 11, SIGPIPE: 13, SIGALRM: 14, SIGTERM: 15, SIGXCPU: 24 };

/** What `qm wait` exits with for a finished job: its code, 128 + a signal's number, or 125. */
export function exitCodeOfJob(job: { state: string; exitCode: number | null; signal: string | null }): number {
  if (job.signal) return 128 + (SIGNALS[job.signal] ?? 15);
  if (job.exitCode !== null) return job.exitCode >= 0 && job.exitCode <= 255 ? job.exitCode : 1;
  if (job.state === "done") return 0;
  if (job.state === "killed") return 128 + SIGNALS.SIGTERM;
  return EXIT.NO_EXIT_CODE;
}
