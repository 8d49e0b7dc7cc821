import type { JobAnswer } from "@/lib/core/api-types";
import { AppError } from "@/lib/core/app-error";
import { deleteJob } from "@/lib/server/jobs/delete-job";
import { jobQueueDetails } from "@/lib/server/jobs/job-queue-details";
import { toJobDetail } from "@/lib/server/jobs/job-view";
import { queuePosition } from "@/lib/server/jobs/queue-position";
import { requireAdmin } from "@/lib/web/auth";
import { getConfig, getDb, getLayout, getStore } from "@/lib/web/context";
import { apiHandler, json } from "@/lib/web/http";
import { type JobRouteContext, jobIdFrom, permissionsOf } from "@/lib/web/job-access";
import { webLog } from "@/lib/web/web-log";
import { withJob } from "@/lib/web/with-job";

export const dynamic = "force-dynamic";

/** One job: every info key, its history, its place in the queue, and what the viewer may do with it. */
export const GET = withJob(async ({ viewer, job, showDetails }) => {
  const position = (await queuePosition(getDb(), job)) ?? undefined;
  const queue = await jobQueueDetails(getDb(), getStore(), getConfig().config, job);
  return json({ job: { ...toJobDetail(job, showDetails), position, ...queue }, can: permissionsOf(viewer, job), serverTime: new Date().toISOString() } satisfies JobAnswer);
});

/** Delete a queued or finished job (admin; QMserv.cfg Delete_Jobs). */
export const DELETE = apiHandler(async (request, context: JobRouteContext) => {
  const admin = await requireAdmin(request);
  const id = await jobIdFrom(context);
  if (!getConfig().config.web.deleteJobs) throw new AppError("FORBIDDEN", "Deleting jobs is switched off (Delete_Jobs = False in QMserv.cfg).");
  await deleteJob(getStore(), getLayout(), id, admin.username);
  webLog().info(`deleted by ${admin.username}`, { job: id });
  return json({ ok: true });
});
