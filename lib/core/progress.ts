/** Progress lines as the original QM reads them: the last `i / n` in process.log. */
const PROGRESS = /(\d+)\s*\/\s*(\d+)/g;

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
