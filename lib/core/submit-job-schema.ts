/**
 * The optional fields of the submit form (and of `POST /api/jobs`): they fill or
 * override keys of the job's info file. Empty fields mean "keep the file's value".
 */
import { z } from "zod";
import { AppError } from "./app-error";
import { parseIniBoolean } from "./config-parser";
import type { InfoOverrides } from "./job-info-overrides";
import { parseQueueOptions } from "./queue-options";

const optionalText = (max: number, label: string) =>
  z
    .string()
    .trim()
    .max(max, `${label} must be at most ${max} characters`)
    .transform((v) => v || undefined)
    .optional();

const optionalInt = (label: string, min: number, max: number) =>
  z
    .string()
    .trim()
    .transform((v, ctx) => {
      if (v === "") return undefined;
      if (!/^[+-]?\d+$/.test(v)) {
        ctx.addIssue({ code: "custom", message: `${label} must be a whole number` });
        return z.NEVER;
      }
      const n = Number(v);
      if (n < min || n > max) {
        ctx.addIssue({ code: "custom", message: `${label} must be between ${min} and ${max}` });
        return z.NEVER;
      }
      return n;
    })
    .optional();

/** A queue key (after_ok, after_any, array) checked by the same parser the info file goes through. */
const queueKey = (key: "after_ok" | "after_any" | "array") =>
  optionalText(2000, key).superRefine((value, ctx) => {
    if (value === undefined) return;
    try {
      parseQueueOptions("form", { [key]: value });
    } catch (error) {
      ctx.addIssue({ code: "custom", message: (error as Error).message.replace(/^form: /, "") });
    }
  });

export const submitJobSchema = z.object({
  e_mail: optionalText(254, "e_mail").refine((v) => v === undefined || /^[^\s@]+@[^\s@]+$/.test(v), {
    message: "e_mail must be an address such as name@lab.org",
  }),
  info: optionalText(1000, "info"),
  nb_proc: optionalInt("nb_proc", 1, 4096),
  nb_gpu: optionalInt("nb_gpu", 0, 256),
  priority: optionalInt("priority", -1000, 1000),
  hold: z
    .string()
    .trim()
    .transform((v, ctx) => {
      if (v === "") return undefined;
      const hold = parseIniBoolean(v);
      if (hold === undefined) {
        ctx.addIssue({ code: "custom", message: "hold must be yes or no" });
        return z.NEVER;
      }
      return hold ? ("yes" as const) : ("no" as const);
    })
    .optional(),
  after_ok: queueKey("after_ok"),
  after_any: queueKey("after_any"),
  array: queueKey("array"),
});

export type SubmitJobInput = z.infer<typeof submitJobSchema>;

/** Parse the form's text fields; throws INVALID_INPUT with one message per field. */
export function parseSubmitFields(fields: Record<string, string>): InfoOverrides {
  const result = submitJobSchema.safeParse(fields);
  if (result.success) return result.data;
  const details: Record<string, string> = {};
  for (const issue of result.error.issues) details[String(issue.path[0])] ??= issue.message;
  throw new AppError("INVALID_INPUT", Object.values(details).join("; "), details);
}
