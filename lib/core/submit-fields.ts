/**
 * The rules of a submission's optional fields (the submit page, `POST /api/jobs`, and
 * `qm submit`'s options), without zod: the server's schema (submit-job-schema.ts) applies
 * them, and qm checks its options with them before anything is sent.
 */
import { isOneMailAddress } from "./job-mail";
import { parseQueueOptions } from "./queue-options";

/** The whole-number fields and the values each takes. */
export const SUBMIT_NUMBER_RANGES = {
  nb_proc: { min: 1, max: 4096 },
  nb_gpu: { min: 0, max: 256 },
  priority: { min: -1000, max: 1000 },
} as const;

export type SubmitNumberField = keyof typeof SUBMIT_NUMBER_RANGES;
/** The fields checked here (hold and info have rules of their own in the schema). */
export type CheckedSubmitField = SubmitNumberField | "e_mail" | "after_ok" | "after_any" | "array";

const isNumberField = (field: CheckedSubmitField): field is SubmitNumberField => field in SUBMIT_NUMBER_RANGES;

/** Why `text` (trimmed, not empty) is not a value of `field`, in words for its user; null when it is one. */
export function submitFieldProblem(field: CheckedSubmitField, text: string): string | null {
  if (isNumberField(field)) {
    if (!/^[+-]?\d+$/.test(text)) return `${field} must be a whole number`;
    const { min, max } = SUBMIT_NUMBER_RANGES[field];
    const n = Number(text);
    return n < min || n > max ? `${field} must be between ${min} and ${max}` : null;
  }
  if (field === "e_mail") return isOneMailAddress(text) ? null : "e_mail must be an address such as name@lab.org";
  // The queue keys: the parser the info file goes through.
  try {
    parseQueueOptions("form", { [field]: text });
    return null;
  } catch (error) {
    return (error as Error).message.replace(/^form: /, "");
  }
}
