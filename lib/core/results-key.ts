/**
 * The `results` key of an info file: the files a job's results strip shows, instead of
 * the images found in its folder.
 *
 *   results = fit.png, table.csv, plots/*.png
 *
 * Paths are relative to the job folder; `*` and `?` match within one path component.
 */

/** The info key (lower-cased, as the info file parser keeps keys). */
export const RESULTS_KEY = "results";

/** At most this many entries are read from the key. */
const MAX_PATTERNS = 20;

/** The entries of the key, without empty ones, `..` or absolute paths (which could not match anyway). */
export function resultPatterns(value: string | undefined): string[] {
  if (!value) return [];
  return value
    .split(/[,\n]/)
    .map((p) => p.trim().replace(/^\.\//, ""))
    .filter((p) => p !== "" && !p.startsWith("/") && !p.split("/").includes(".."))
    .slice(0, MAX_PATTERNS);
}

export const hasWildcard = (pattern: string) => /[*?]/.test(pattern);

function segmentRegex(segment: string): RegExp {
  const body = segment.replace(/[.+^${}()|[\]\\]/g, "\\$&").replace(/\*/g, "[^/]*").replace(/\?/g, "[^/]");
  return new RegExp(`^${body}$`);
}

/** Whether `path` (relative, with `/`) is named by `pattern`. */
export function matchesPattern(pattern: string, path: string): boolean {
  const want = pattern.split("/");
  const have = path.split("/");
  return want.length === have.length && want.every((segment, i) => segmentRegex(segment).test(have[i]));
}
