import { z } from "zod";

/** GET /api/stats query: how many days the per-day chart covers. */
export const statsQuerySchema = z.object({
  days: z.coerce.number().int().min(1, "days must be at least 1").max(366, "days must be at most 366").default(30),
});
export type StatsQuery = z.infer<typeof statsQuerySchema>;
