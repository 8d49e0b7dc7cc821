import { z } from "zod";
import { AppError } from "@/lib/core/app-error";
import { SUBMIT_NUMBER_RANGES } from "@/lib/core/submit-fields";
import { setJobPriority } from "@/lib/server/jobs/set-priority";
import { requireUser } from "@/lib/web/access";
import { getLayout, getStore } from "@/lib/web/context";
import { apiHandler, json, readJson } from "@/lib/web/http";
import { type JobRouteContext, jobIdFrom } from "@/lib/web/job-access";
import { requireCan } from "@/lib/web/permissions";

export const dynamic = "force-dynamic";

const { min, max } = SUBMIT_NUMBER_RANGES.priority;
const prioritySchema = z.object({
  priority: z.number({ error: `a whole number from ${min} to ${max}` }).int(`a whole number from ${min} to ${max}`).min(min, `at least ${min}`).max(max, `at most ${max}`),
});

/**
 * `{ priority }`: a waiting job's new priority (higher runs first). Whoever may hold or
 * release the job may change it: its owner or the administrator.
 */
export const POST = apiHandler(async (request: Request, context: JobRouteContext) => {
  const viewer = await requireUser(request, "change a job's priority");
  const id = await jobIdFrom(context);
  const job = await getStore().getJob(id);
  if (!job || job.state === "deleted") throw new AppError("NOT_FOUND", `There is no job ${id}; it may have been deleted.`);
  requireCan(viewer, job, "hold", "change its priority");
  const { priority } = await readJson(request, prioritySchema);
  return json(await setJobPriority(getStore(), getLayout(), id, priority, viewer.user.username));
});
