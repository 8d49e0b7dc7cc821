/**
 * Progress lines as the original QM reads them: the last `i / n` in process.log
 * (`processing 5 / 32`, `step 5/32`, `[5/32]`). Each number stands alone: one that is
 * part of a name, a path or a date (`run_3/12.png`, `data/2/10`, `01/12/2026`, `1.5/3`)
 * is not progress.
 */
const PROGRESS = /(?<![\w/.])(\d+)\s*\/\s*(\d+)(?![\w/]|\.\d)/g;

/** Percent (0-100) from the last `i / n` in `text`, or null when there is none. */
export function parseProgress(text: string): number | null {
  let last: RegExpExecArray | null = null;
  for (const match of text.matchAll(PROGRESS)) last = match as RegExpExecArray;
  if (!last) return null;
  const done = Number(last[1]);
  const total = Number(last[2]);
  if (total <= 0 || done > total) return null;
  return Math.round((done / total) * 1000) / 10;
}
