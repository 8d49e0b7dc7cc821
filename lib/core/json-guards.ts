/**
 * Checks for JSON values read back from the database (a heartbeat's figures, a run's
 * details), for the modules the worker loads: they are written without zod, which would
 * cost the worker about 4.5 MB of memory for two small records (docs/performance.md).
 */

export const isObject = (v: unknown): v is Record<string, unknown> => typeof v === "object" && v !== null && !Array.isArray(v);
export const isString = (v: unknown): v is string => typeof v === "string";
export const isNumber = (v: unknown): v is number => typeof v === "number" && Number.isFinite(v);
export const isBoolean = (v: unknown): v is boolean => typeof v === "boolean";
/** A whole number, 0 or more. */
export const isCount = (v: unknown): v is number => Number.isInteger(v) && (v as number) >= 0;
export const isArrayOf = <T>(v: unknown, each: (x: unknown) => x is T): v is T[] => Array.isArray(v) && v.every(each);

/**
 * The fields of `value` that `fields` names and whose check passes, each kept as it is; the
 * others (missing, of the wrong type, or unknown) are left out.
 */
export function pickValid<T>(value: Record<string, unknown>, fields: { [K in keyof T]-?: (v: unknown) => boolean }): Partial<T> {
  const out: Record<string, unknown> = {};
  for (const [key, valid] of Object.entries(fields) as [string, (v: unknown) => boolean][]) {
    if (key in value && valid(value[key])) out[key] = value[key];
  }
  return out as Partial<T>;
}
