import { z } from "zod";

/** PUT /api/config: the version read with the form, and field id -> new value. */
export const updateConfigSchema = z.object({
  version: z.string().min(1, "version is required: send the version GET /api/config returned"),
  values: z.record(z.string().max(200), z.string().max(4096)),
  /** Secrets to empty ("WEB_QMserver.Metrics_Token"): an empty value in `values` keeps a secret as it is. */
  clear: z.array(z.string().max(200)).max(50).optional(),
});
export type UpdateConfigInput = z.infer<typeof updateConfigSchema>;
