import { statsQuerySchema } from "@/lib/core/stats-schemas";
import { hideOwners } from "@/lib/server/stats/get-job-stats";
import { requireViewer } from "@/lib/web/access";
import { getJobStatsCache } from "@/lib/web/context";
import { apiHandler, json, searchParamsOf } from "@/lib/web/http";
import { canSeeDetails } from "@/lib/web/job-access";

export const dynamic = "force-dynamic";

/** Per-owner totals and jobs ended per day (?days=30), kept while no job changes. See docs/api.md. */
export const GET = apiHandler(async (request) => {
  const viewer = await requireViewer(request);
  const { days } = statsQuerySchema.parse(searchParamsOf(request));
  const stats = await getJobStatsCache().read(days);
  return json(canSeeDetails(viewer) ? stats : hideOwners(stats));
});
