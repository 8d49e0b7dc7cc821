/**
 * Compare runs: which jobs (ids from the URL, or the elements of an array), and their
 * info keys side by side with the keys that differ marked.
 */
import { z } from "zod";
import { AppError } from "./app-error";
import { recordIdSchema } from "./job-schemas";
import { MAX_RECORD_ID } from "./record-id";

/** More runs than this do not fit side by side. */
export const MAX_COMPARED = 12;

/** `12, 13, 20-24` -> [12, 13, 20, 21, 22, 23, 24]: the ids of a compare URL, in order, once each. */
export function parseJobIds(text: string): number[] {
  const ids: number[] = [];
  for (const part of text.split(/[\s,]+/).filter(Boolean)) {
    const m = /^(\d+)(?:-(\d+))?$/.exec(part);
    if (!m) throw new AppError("INVALID_INPUT", `"${part}" is not a job id or a range of ids (such as 12 or 20-24).`);
    const [from, to] = [Number(m[1]), Number(m[2] ?? m[1])];
    if (to > MAX_RECORD_ID) throw new AppError("INVALID_INPUT", `"${part}" is not a job id: ids go from 1 to ${MAX_RECORD_ID}.`);
    if (to < from || to - from >= MAX_COMPARED) throw new AppError("INVALID_INPUT", `The range ${part} must go upwards and hold at most ${MAX_COMPARED} jobs.`);
    for (let id = from; id <= to; id++) if (id > 0 && !ids.includes(id)) ids.push(id);
  }
  if (ids.length > MAX_COMPARED) throw new AppError("INVALID_INPUT", `Compare at most ${MAX_COMPARED} jobs at a time (${ids.length} asked).`);
  return ids;
}

/** GET /api/compare: `ids=12,13` or `array=5` (the elements of an array). */
export const compareQuerySchema = z.object({
  ids: z.string().max(1000).optional(),
  array: recordIdSchema("array").optional(),
});

/** One info key across the compared runs. */
export interface KeyRow {
  key: string;
  /** Per run, in order; null where the run has no such key (or its details are hidden). */
  values: (string | null)[];
  differs: boolean;
}

/** Every info key of the runs, in the order first met, with the ones that differ marked. */
export function infoKeyRows(params: (Record<string, string> | null)[]): KeyRow[] {
  const keys: string[] = [];
  for (const p of params) for (const k of Object.keys(p ?? {})) if (!keys.includes(k)) keys.push(k);
  return keys.map((key) => {
    const values = params.map((p) => p?.[key] ?? null);
    return { key, values, differs: values.some((v) => v !== values[0]) };
  });
}
