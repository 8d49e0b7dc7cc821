/** The environment of an array element: QM_ARRAY_INDEX (its index) and QM_ARRAY_ID (its array). */
import type { QueuedRow } from "../lib/server/store/job-reads";

export function arrayEnv(row: Pick<QueuedRow, "arrayId" | "arrayIndex">): Record<string, string> | undefined {
  if (row.arrayIndex === null || row.arrayIndex === undefined) return undefined;
  return { QM_ARRAY_INDEX: String(row.arrayIndex), ...(row.arrayId !== null && row.arrayId !== undefined ? { QM_ARRAY_ID: String(row.arrayId) } : {}) };
}
