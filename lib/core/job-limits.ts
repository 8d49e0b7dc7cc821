/**
 * The `walltime` and `mem` keys of a job (info file or #QM directives), read the way
 * Slurm reads `--time` and `--mem`, so that a script written for one reads the same in
 * the other. Parsing only: enforcing the limits is the worker's business.
 */

/** Largest walltime accepted: a year; anything longer is a typo. */
const MAX_WALLTIME_SECONDS = 366 * 86_400;
/** Largest memory accepted: 1 PiB in MiB; anything larger is a typo. */
const MAX_MEM_MB = 1024 ** 3;

const WALLTIME_FORMS = "MM, MM:SS, HH:MM:SS, D-HH, D-HH:MM or D-HH:MM:SS (e.g. 90, 1:30:00, 2-00:00:00)";

/**
 * Seconds from a Slurm-style time: `MM`, `MM:SS`, `HH:MM:SS`, `D-HH`, `D-HH:MM`,
 * `D-HH:MM:SS`. Returns a message (what to write instead) when the text is not one.
 */
export function parseWalltime(text: string): { seconds: number } | { error: string } {
  const value = text.trim();
  const bad = { error: `walltime must be ${WALLTIME_FORMS}; got "${value}"` };
  const m = /^(?:(\d+)-)?(\d+)(?::(\d+))?(?::(\d+))?$/.exec(value);
  if (!m) return bad;
  const [, days, a, b, c] = m;
  let seconds: number;
  if (days !== undefined) {
    // D-HH, D-HH:MM, D-HH:MM:SS
    seconds = Number(days) * 86_400 + Number(a) * 3600 + Number(b ?? 0) * 60 + Number(c ?? 0);
  } else if (c !== undefined) {
    seconds = Number(a) * 3600 + Number(b) * 60 + Number(c);
  } else {
    // MM or MM:SS, as Slurm reads a time without days.
    seconds = Number(a) * 60 + Number(b ?? 0);
  }
  if (seconds <= 0) return { error: `walltime must be longer than 0 (got "${value}"); leave the key out for no limit` };
  if (seconds > MAX_WALLTIME_SECONDS) return { error: `walltime must be at most 366 days (got "${value}")` };
  return { seconds };
}

const MEM_UNITS: Record<string, number> = { k: 1 / 1024, m: 1, g: 1024, t: 1024 * 1024 };

/**
 * MiB from a Slurm-style size: `512M`, `4G`, `1.5G`, `1T`, `800K`; a bare number is MiB
 * (Slurm's default unit). Units are powers of 1024; `GB`, `GiB` and `g` mean `G`.
 */
export function parseMem(text: string): { mb: number } | { error: string } {
  const value = text.trim();
  const m = /^(\d+(?:\.\d+)?)\s*(?:([kmgt])(?:i?b)?)?$/i.exec(value);
  if (!m) return { error: `mem must be a size such as 512M, 4G or 1.5G (units K, M, G, T; a bare number is MB); got "${value}"` };
  const mb = Math.ceil(Number(m[1]) * MEM_UNITS[(m[2] ?? "m").toLowerCase()]);
  if (Number(m[1]) <= 0) return { error: `mem must be more than 0 (got "${value}"); leave the key out for no limit` };
  if (mb > MAX_MEM_MB) return { error: `mem must be at most 1024T (got "${value}")` };
  return { mb };
}
