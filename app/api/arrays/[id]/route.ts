import type { ArrayAnswer } from "@/lib/core/api-types";
import { AppError } from "@/lib/core/app-error";
import { isWaitingState } from "@/lib/core/job-lifecycle";
import { arrayRefusals } from "@/lib/server/jobs/array-requeue-plan";
import { getArray } from "@/lib/server/jobs/find-arrays";
import { WITH_ACCOUNT, toJobSummary } from "@/lib/server/jobs/job-view";
import { startEstimates } from "@/lib/server/queue/start-estimates";
import { requireViewer } from "@/lib/web/access";
import { getConfig, getDb, getLayout, getStore } from "@/lib/web/context";
import { apiHandler, json } from "@/lib/web/http";
import { arrayIdSchema } from "@/lib/core/job-schemas";
import { canSeeDetails } from "@/lib/web/job-access";
import { permissionsFor } from "@/lib/web/permissions";

export const dynamic = "force-dynamic";

/** One array: its counts and progress, its elements in index order with their estimates, what the viewer may do and what of that would be refused now. */
export const GET = apiHandler(async (request, context: { params: Promise<{ id: string }> }) => {
  const viewer = await requireViewer(request);
  const id = arrayIdSchema.parse((await context.params).id);
  const showDetails = canSeeDetails(viewer);
  const array = await getArray(getDb(), id, showDetails);
  if (!array) throw new AppError("NOT_FOUND", `There is no array ${id}; it may have been deleted.`);
  const rows = await getDb().job.findMany({ where: { arrayId: id, state: { not: "deleted" } }, orderBy: [{ arrayIndex: "asc" }, { id: "asc" }], include: WITH_ACCOUNT });
  // Each element says what the viewer may do with it, as in the job lists.
  const jobs = rows.map((row) => ({ ...toJobSummary(row, showDetails, getConfig().config), can: permissionsFor(viewer, row) }));
  if (jobs.some((j) => isWaitingState(j.state))) {
    const estimates = await startEstimates(getStore(), getConfig().config, getLayout().root);
    for (const job of jobs) if (isWaitingState(job.state)) job.estimate = estimates.of(job.id);
  }
  const can = permissionsFor(viewer, rows[0] ?? null);
  const refused = await arrayRefusals(getStore(), getLayout(), rows, can);
  return json({ array, jobs, can, refused, serverTime: new Date().toISOString() } satisfies ArrayAnswer);
});
