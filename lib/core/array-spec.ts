/**
 * The `array` key of an info file: one submission, one job per index, as Slurm's
 * `--array`. `1-100` (every index), `1-100:2` (every second), `1,5,9` (a list), any mix
 * of them separated by commas, and a `%4` suffix: at most 4 elements run at a time.
 */
import { AppError } from "./app-error";

/** A parsed array spec: the indices in increasing order, and the `%N` limit (null: none). */
export interface ArraySpec {
  /** The spec as written, without spaces. */
  spec: string;
  indices: number[];
  maxRunning: number | null;
}

/** At most this many elements per array (Slurm's default MaxArraySize is 1001). */
export const MAX_ARRAY_ELEMENTS = 1000;
/** The largest index allowed. */
export const MAX_ARRAY_INDEX = 1_000_000;

const EXAMPLES = '"1-100", "1-100:2", "1,5,9" or "1-100%4"';

function invalid(text: string, why: string): AppError {
  return new AppError("INVALID_INPUT", `array = ${text}: ${why}; write it as ${EXAMPLES} (%4: at most 4 at a time)`);
}

function index(text: string, part: string): number {
  if (!/^\d+$/.test(part)) throw invalid(text, `"${part}" is not a whole number`);
  const n = Number(part);
  if (n > MAX_ARRAY_INDEX) throw invalid(text, `index ${n} is larger than ${MAX_ARRAY_INDEX}`);
  return n;
}

/** One comma-separated item: `7`, `1-10` or `1-10:3`. */
function expandItem(text: string, item: string, into: Set<number>): void {
  const range = /^(\d+)-(\d+)(?::(\d+))?$/.exec(item);
  if (!range) {
    into.add(index(text, item));
    return;
  }
  const [from, to] = [index(text, range[1]), index(text, range[2])];
  const step = range[3] === undefined ? 1 : Number(range[3]);
  if (from > to) throw invalid(text, `the range ${item} runs backwards`);
  if (step < 1) throw invalid(text, `the step of ${item} must be 1 or more`);
  for (let i = from; i <= to && into.size <= MAX_ARRAY_ELEMENTS; i += step) into.add(i);
}

/** Parse an array spec; throws INVALID_INPUT saying what is wrong and how to write it. */
export function parseArraySpec(raw: string): ArraySpec {
  const text = raw.replace(/\s+/g, "");
  if (!text) throw invalid(raw, "it is empty");
  const [list, limit, ...extra] = text.split("%");
  if (extra.length) throw invalid(text, "it has more than one %");
  let maxRunning: number | null = null;
  if (limit !== undefined) {
    if (!/^\d+$/.test(limit) || Number(limit) < 1) throw invalid(text, `the limit after % must be a whole number of 1 or more (got "${limit}")`);
    maxRunning = Number(limit);
  }
  // "%4" alone: the limit of nothing (not an "empty item between commas").
  if (!list) throw invalid(text, "it has no indices before the %");
  const indices = new Set<number>();
  for (const item of list.split(",")) {
    if (!item) throw invalid(text, "it has an empty item between commas");
    expandItem(text, item, indices);
  }
  if (indices.size > MAX_ARRAY_ELEMENTS) throw invalid(text, `it makes more than ${MAX_ARRAY_ELEMENTS} jobs`);
  return { spec: text, indices: [...indices].sort((a, b) => a - b), maxRunning };
}

/** The folder (and job) name of one element: `sweep_07` for index 7 of indices up to 20. */
export function elementName(arrayName: string, idx: number, largestIndex: number): string {
  return `${arrayName}_${String(idx).padStart(String(largestIndex).length, "0")}`;
}
