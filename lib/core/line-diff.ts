/**
 * Line diff of two text files (compare runs): Myers' O(ND) shortest edit script, then
 * hunks with a few lines of context, as `diff -u` shows them. Files that differ in more
 * than `maxEdits` lines are reported as such instead of being diffed line by line.
 */

export interface DiffLine {
  kind: "same" | "add" | "del";
  text: string;
  /** Line numbers (1-based) in the first and second file; null where the line is not in it. */
  a: number | null;
  b: number | null;
}

export interface Hunk {
  lines: DiffLine[];
}

export type DiffResult = { hunks: Hunk[]; added: number; removed: number } | { tooDifferent: true; added: number; removed: number };

const splitLines = (text: string) => (text === "" ? [] : text.replace(/\r?\n$/, "").split(/\r?\n/));

/** The shortest edit script from `a` to `b`, or null beyond `maxEdits`. */
function editScript(a: string[], b: string[], maxEdits: number): DiffLine[] | null {
  const n = a.length;
  const m = b.length;
  const offset = maxEdits + 1;
  const v = new Int32Array(2 * offset + 1);
  const trace: Int32Array[] = [];
  for (let d = 0; d <= maxEdits; d++) {
    trace.push(v.slice());
    for (let k = -d; k <= d; k += 2) {
      let x = k === -d || (k !== d && v[offset + k - 1] < v[offset + k + 1]) ? v[offset + k + 1] : v[offset + k - 1] + 1;
      let y = x - k;
      while (x < n && y < m && a[x] === b[y]) x++, y++;
      v[offset + k] = x;
      if (x >= n && y >= m) return backtrack(a, b, trace, offset, d, k);
    }
  }
  return null;
}

function backtrack(a: string[], b: string[], trace: Int32Array[], offset: number, dEnd: number, kEnd: number): DiffLine[] {
  const out: DiffLine[] = [];
  let x = a.length;
  let y = b.length;
  for (let d = dEnd, k = kEnd; d >= 0; d--) {
    const v = trace[d];
    const down = d > 0 && (k === -d || (k !== d && v[offset + k - 1] < v[offset + k + 1]));
    const prevK = d === 0 ? k : down ? k + 1 : k - 1;
    const prevX = d === 0 ? 0 : v[offset + prevK];
    const prevY = prevX - prevK;
    while (x > prevX && y > prevY) out.push({ kind: "same", text: a[--x], a: x + 1, b: --y + 1 });
    if (d > 0) {
      if (down) out.push({ kind: "add", text: b[--y], a: null, b: y + 1 });
      else out.push({ kind: "del", text: a[--x], a: x + 1, b: null });
    }
    k = prevK;
  }
  return out.reverse();
}

/** Differences of `before` and `after` in hunks with `context` unchanged lines around each change. */
export function diffLines(before: string, after: string, { context = 3, maxEdits = 1000 } = {}): DiffResult {
  const a = splitLines(before);
  const b = splitLines(after);
  const script = editScript(a, b, maxEdits);
  if (!script) return { tooDifferent: true, added: b.length, removed: a.length };
  // Index of the next change at or after each line, to tell which lines are context.
  const nextChange = new Array<number>(script.length + 1).fill(Infinity);
  for (let i = script.length - 1; i >= 0; i--) nextChange[i] = script[i].kind !== "same" ? i : nextChange[i + 1];
  const hunks: Hunk[] = [];
  let current: DiffLine[] | null = null;
  let lastChange = -Infinity;
  script.forEach((line, i) => {
    if (line.kind !== "same") lastChange = i;
    if (i - lastChange > context && nextChange[i] - i > context) {
      current = null;
      return;
    }
    if (!current) hunks.push({ lines: (current = []) });
    current.push(line);
  });
  return { hunks, added: script.filter((l) => l.kind === "add").length, removed: script.filter((l) => l.kind === "del").length };
}
