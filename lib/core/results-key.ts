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

/**
 * Whether one name matches one component of a pattern (`*`: any run of characters, `?`:
 * one), in time proportional to their lengths multiplied at worst. The job's owner writes
 * both the pattern and the file names: a regular expression built from `*a*a*a*a*a*a*a*b`
 * backtracked for 40 s over a name of 60 a's, in the web server's only thread.
 */
function matchesSegment(pattern: string, name: string): boolean {
  let p = 0;
  let n = 0;
  // The last `*` seen and where in the name it started to match: on a mismatch, it takes one more character.
  let star = -1;
  let from = 0;
  while (n < name.length) {
    if (p < pattern.length && (pattern[p] === "?" || pattern[p] === name[n])) {
      p++;
      n++;
    } else if (p < pattern.length && pattern[p] === "*") {
      star = p++;
      from = n;
    } else if (star >= 0) {
      p = star + 1;
      n = ++from;
    } else return false;
  }
  while (pattern[p] === "*") p++;
  return p === pattern.length;
}

/** Whether `path` (relative, with `/`) is named by `pattern`. */
export function matchesPattern(pattern: string, path: string): boolean {
  const want = pattern.split("/");
  const have = path.split("/");
  return want.length === have.length && want.every((segment, i) => matchesSegment(segment, have[i]));
}
