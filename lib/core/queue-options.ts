/**
 * The info-file keys that say how a job waits in the queue (the submit form's fields and
 * `#QM` directives feed the same keys):
 *
 * - `hold = yes`: queued held; it keeps its place but starts only once released.
 * - `after_ok = 12, 13`: starts once jobs 12 and 13 are done (cancelled if one fails).
 * - `after_any = 12`: starts once job 12 has ended, whatever the outcome.
 *   In both, `array:7` stands for every element of array 7.
 * - `array = 1-20%4`: one job per index (lib/core/array-spec.ts).
 * - `array_index = 7`: written by QueueManager into each element's own info file, so an
 *   element folder put back in the queue runs as that one element, not as a new array.
 */
import { AppError } from "./app-error";
import { type ArraySpec, parseArraySpec } from "./array-spec";
import { parseIniBoolean } from "./config-parser";
import type { DependencyKind } from "./dependencies";
import { MAX_RECORD_ID } from "./record-id";

/** A job named by a dependency: one job, or every element of an array. */
export type DependencyRef = { jobId: number } | { arrayId: number };

export interface QueueOptions {
  hold: boolean;
  dependsOn: { ref: DependencyRef; kind: DependencyKind }[];
  array: ArraySpec | null;
  /** This job is element `arrayIndex` of an earlier array (the key array_index). */
  arrayIndex: number | null;
}

const MAX_DEPENDENCIES = 100;

function parseRefs(fileName: string, key: DependencyKind, value: string): DependencyRef[] {
  // An empty item is a missing id ("$a,$b" with $b empty): refused, not read as no wait.
  const pieces = value.split(",").map((piece) => piece.trim());
  if (pieces.includes("")) throw new AppError("INVALID_INPUT", `${fileName}: ${key} has an empty item in "${value.trim()}"; list job ids separated by commas, such as "12, 13"`);
  const items = pieces.flatMap((piece) => piece.split(/\s+/));
  if (items.length > MAX_DEPENDENCIES) throw new AppError("INVALID_INPUT", `${fileName}: ${key} names more than ${MAX_DEPENDENCIES} jobs; make the waiting job depend on an array instead (array:<id>)`);
  return items.map((item) => {
    const m = /^(array:)?(\d{1,12})$/i.exec(item);
    if (!m || Number(m[2]) < 1 || Number(m[2]) > MAX_RECORD_ID) {
      throw new AppError("INVALID_INPUT", `${fileName}: ${key} must list job ids separated by commas, such as "12, 13" (or array:7 for every element of array 7); "${item}" is not one`);
    }
    return m[1] ? { arrayId: Number(m[2]) } : { jobId: Number(m[2]) };
  });
}

/** The keys naming the jobs a job waits for. */
const DEPENDENCY_KEYS = ["after_ok", "after_any"] as const;

/**
 * Whether these params (lower-cased keys) make a job that waits for other jobs or an
 * array of elements, before they are read: such a job's row needs the rows made before
 * it to exist already (the worker's batched intake writes those first).
 */
export function namesOtherJobsOrExpands(params: Record<string, string>): boolean {
  return [...DEPENDENCY_KEYS, "array"].some((key) => params[key]?.trim());
}

/** Read the queue keys of an info file's params (lower-cased keys); throws INVALID_INPUT. */
export function parseQueueOptions(fileName: string, params: Record<string, string>): QueueOptions {
  const holdText = params.hold?.trim();
  const hold = holdText ? parseIniBoolean(holdText) : false;
  if (hold === undefined) throw new AppError("INVALID_INPUT", `${fileName}: hold must be yes or no (got "${holdText}")`);
  const dependsOn = DEPENDENCY_KEYS.flatMap((kind) => (params[kind]?.trim() ? parseRefs(fileName, kind, params[kind]).map((ref) => ({ ref, kind })) : []));
  const indexText = params.array_index?.trim();
  if (indexText && !/^\d{1,7}$/.test(indexText)) throw new AppError("INVALID_INPUT", `${fileName}: array_index must be a whole number (got "${indexText}")`);
  const arrayIndex = indexText ? Number(indexText) : null;
  let array: ArraySpec | null = null;
  if (params.array?.trim() && arrayIndex === null) {
    try {
      array = parseArraySpec(params.array);
    } catch (error) {
      throw error instanceof AppError ? new AppError("INVALID_INPUT", `${fileName}: ${error.message}`) : error;
    }
  }
  return { hold, dependsOn, array, arrayIndex };
}
