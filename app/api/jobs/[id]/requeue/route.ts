import { requeueJob } from "@/lib/server/jobs/requeue-job";
import { requireAdmin } from "@/lib/web/auth";
import { getConfig, getLayout, getStore } from "@/lib/web/context";
import { type JobRouteContext, jobIdFrom } from "@/lib/web/job-access";
import { apiHandler, json } from "@/lib/web/http";
import { webLog } from "@/lib/web/web-log";

export const dynamic = "force-dynamic";

/** Put a finished job back in the queue (admin). */
export const POST = apiHandler(async (request, context: JobRouteContext) => {
  const admin = await requireAdmin(request);
  const id = await jobIdFrom(context);
  const { config } = getConfig();
  const { folder } = await requeueJob(getStore(), getLayout(), id, admin.username, { jobFile: config.jobFile, strict: config.strictJobFile });
  webLog().info(`requeued by ${admin.username} -> ${folder}`, { job: id });
  return json({ ok: true, folder });
});
