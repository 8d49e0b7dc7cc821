/**
 * The optional fields of the submit form (and of `POST /api/jobs`): they fill or
 * override keys of the job's info file. Empty fields mean "keep the file's value".
 */
import { z } from "zod";
import { AppError } from "./app-error";
import { parseIniBoolean } from "./config-parser";
import type { InfoOverrides } from "./job-info-overrides";
import { type CheckedSubmitField, type SubmitNumberField, submitFieldProblem } from "./submit-fields";

const optionalText = (max: number, label: string) =>
  z
    .string()
    .trim()
    .max(max, `${label} must be at most ${max} characters`)
    .transform((v) => v || undefined)
    .optional();

/** A field checked by submitFieldProblem, its problem reported as the field's issue. */
const checked = (field: CheckedSubmitField, max: number) =>
  optionalText(max, field).superRefine((value, ctx) => {
    const problem = value === undefined ? null : submitFieldProblem(field, value);
    if (problem) ctx.addIssue({ code: "custom", message: problem });
  });

const optionalInt = (field: SubmitNumberField) => checked(field, 1000).transform((v) => (v === undefined ? undefined : Number(v)));

export const submitJobSchema = z.object({
  e_mail: checked("e_mail", 254),
  info: optionalText(1000, "info"),
  nb_proc: optionalInt("nb_proc"),
  nb_gpu: optionalInt("nb_gpu"),
  priority: optionalInt("priority"),
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
  after_ok: checked("after_ok", 2000),
  after_any: checked("after_any", 2000),
  array: checked("array", 2000),
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
