/**
 * Exit records: how a run tells how it ended, written by the job's own wrapper (not by the
 * worker), so that a run that ends while no worker watches is still recorded with its
 * real outcome. One small text file per run, `QM_FOLDER/.qm/runs/<runToken>.exit`, the
 * same for every executor:
 *
 * ```
 * status=0
 * times=0m0.010s 0m0.002s
 * 0m1.250s 0m0.120s
 * end
 * ```
 *
 * `status` is the shell's `$?` of the job's command (128 + N when signal N ended it);
 * `times` is the POSIX `times` builtin's output (user and system time of the wrapper, then
 * of the children it waited for); the file's mtime is the end time. The local wrapper
 * (worker/local/spawner.c, or spawner.pl) writes it itself, the Slurm wrapper with shell builtins only
 * (no fork per job); a record without its final `end` line is incomplete (the
 * wrapper was killed while writing) and counts as none. Records live in `.qm/runs`, out of
 * jobs' reach (a job can neither forge nor pre-empt its own outcome), not in the job folder.
 */

/** The file name of a run's exit record in `.qm/runs`. */
export const exitRecordName = (runToken: string) => `${runToken}.exit`;

export interface ExitRecord {
  /** The shell status: exit code, or 128 + signal number. */
  status: number;
  cpuSeconds: number | null;
}

/** POSIX shell (builtins only) writing the record of `$qm_status` to the file "$qm_exit" (set both first). */
export const WRITE_EXIT_RECORD = `{ printf 'status=%s\ntimes=' "$qm_status"; times; printf 'end\n'; } > "$qm_exit"`;

/** user+system seconds from the output of the POSIX `times` builtin (shell, then its children). */
export function parseShellTimes(text: string): number | null {
  const parts = [...text.matchAll(/(\d+)m([\d.]+)s/g)];
  if (parts.length < 2) return null;
  return Math.round(parts.reduce((sum, m) => sum + Number(m[1]) * 60 + Number(m[2]), 0) * 1000) / 1000;
}

/** Parse a record; null when it is incomplete or not one. */
export function parseExitRecord(text: string): ExitRecord | null {
  const status = /^status=(\d+)$/m.exec(text);
  if (!status || !/^end$/m.test(text)) return null;
  const times = /^times=([\s\S]*?)^end$/m.exec(text);
  return { status: Number(status[1]), cpuSeconds: times ? parseShellTimes(times[1]) : null };
}

const SIGNALS: Record<number, string> = { 1: "SIGHUP", 2: "SIGINT", 3: "SIGQUIT", 4: "SIGILL", 6: "SIGABRT", 7: "SIGBUS", 8: "SIGFPE", 9: "SIGKILL", 11: "SIGSEGV", 13: "SIGPIPE", 14: "SIGALRM", 15: "SIGTERM", 24: "SIGXCPU", 25: "SIGXFSZ" };

/** The name of signal number `n` (SIGTERM for 15; SIG<n> for one without a name here). */
export function signalName(n: number): string {
  return SIGNALS[n] ?? `SIG${n}`;
}

/** The signal a shell status 128 + N stands for, when N is one. */
export function signalOfStatus(status: number): string | null {
  return status > 128 && status < 160 ? signalName(status - 128) : null;
}
