/**
 * Durations and sizes as QueueManager prints them everywhere: dashboard, job page,
 * statistics page, mails, process.log footers and upload errors. One definition, so
 * that two places never show the same job's time or the same limit differently.
 */

/** What is shown for a duration or size that is not known. */
export const UNKNOWN = "—";

/** Whose job it is, in a list: its account, else the e-mail it names (a folder dropped by hand). */
export const ownerLabel = (job: { account: string | null; owner: string | null }): string => job.account ?? job.owner ?? UNKNOWN;

const pad2 = (n: number) => String(n).padStart(2, "0");

/**
 * A duration as a person reads it: `< 1 s`, `42 s`, `3 min 20 s`, `5 h 07 min`, `2 d 3 h`.
 * Precision drops as durations grow: nobody needs the seconds of a five-hour run.
 *
 * @param ms the duration in **milliseconds** (what Date differences give). Values the
 *   database keeps in seconds (`cpuSeconds`, the statistics) are multiplied by 1000.
 * @returns {@link UNKNOWN} for null, undefined, NaN, infinite or negative values (a
 *   negative duration comes from a clock that moved, not from a job).
 */
export function formatDuration(ms: number | null | undefined): string {
  if (ms === null || ms === undefined || !Number.isFinite(ms) || ms < 0) return UNKNOWN;
  // A job that ran at all did not take "0 s".
  if (ms > 0 && ms < 500) return "< 1 s";
  const s = Math.round(ms / 1000);
  if (s < 60) return `${s} s`;
  if (s < 3600) return `${Math.floor(s / 60)} min${s % 60 ? ` ${s % 60} s` : ""}`;
  if (s < 86_400) return `${Math.floor(s / 3600)} h ${pad2(Math.floor((s % 3600) / 60))} min`;
  return `${Math.floor(s / 86_400)} d ${Math.floor((s % 86_400) / 3600)} h`;
}

const UNITS = ["B", "KB", "MB", "GB", "TB"] as const;

/** One decimal while the number is small, where it still says something. */
const rounded = (value: number) => (value < 10 ? Math.round(value * 10) / 10 : Math.round(value));

/**
 * A size in powers of 1024, as file managers show it: `125 B`, `1.5 KB`, `1 MB`,
 * `640 MB`, `2 GB`. One decimal below 10 of a unit (none when it is `.0`).
 *
 * @param bytes the size in bytes.
 * @returns {@link UNKNOWN} for NaN, infinite or negative values.
 */
export function formatBytes(bytes: number): string {
  if (!Number.isFinite(bytes) || bytes < 0) return UNKNOWN;
  let unit = 0;
  // Step up on the rounded value, so that 1023.96 KB reads "1 MB", not "1024 KB".
  while (unit < UNITS.length - 1 && rounded(bytes / 1024 ** unit) >= 1024) unit++;
  return `${unit === 0 ? Math.round(bytes) : rounded(bytes / 1024 ** unit)} ${UNITS[unit]}`;
}
