import { deleteJob } from "@/lib/server/jobs/delete-job";
import { getJobOrThrow } from "@/lib/server/jobs/get-job-or-throw";
import { toJobDetail } from "@/lib/server/jobs/job-view";
import { queuePosition } from "@/lib/server/jobs/queue-position";
import { AppError } from "@/lib/core/app-error";
import { requireAdmin, requireViewer } from "@/lib/web/auth";
import { getConfig, getDb, getLayout, getStore } from "@/lib/web/context";
import { type JobRouteContext, canSeeDetails, jobIdFrom, permissionsOf } from "@/lib/web/job-access";
import { apiHandler, json } from "@/lib/web/http";

export const dynamic = "force-dynamic";

/** One job: every info key, its history, and what the viewer may do with it. */
export const GET = apiHandler(async (request, context: JobRouteContext) => {
  const viewer = await requireViewer(request);
  const id = await jobIdFrom(context);
  const job = await getJobOrThrow(getDb(), id);
  const position = (await queuePosition(getDb(), job)) ?? undefined;
  return json({ job: { ...toJobDetail(job, canSeeDetails(viewer)), position }, can: permissionsOf(viewer), serverTime: new Date().toISOString() });
});

/** Delete a queued or finished job (admin; QMserv.cfg Delete_Jobs). */
export const DELETE = apiHandler(async (request, context: JobRouteContext) => {
  const admin = await requireAdmin(request);
  const id = await jobIdFrom(context);
  if (!getConfig().config.web.deleteJobs) throw new AppError("FORBIDDEN", "Deleting jobs is switched off (Delete_Jobs = False in QMserv.cfg).");
  await deleteJob(getStore(), getLayout(), id, admin.username);
  return json({ ok: true });
});
