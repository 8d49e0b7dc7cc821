import { requeueJob } from "@/lib/server/jobs/requeue-job";
import { requireAdmin } from "@/lib/web/auth";
import { getDb, getLayout } from "@/lib/web/context";
import { type JobRouteContext, jobIdFrom } from "@/lib/web/job-access";
import { apiHandler, json } from "@/lib/web/http";

export const dynamic = "force-dynamic";

/** Put a finished job back in the queue (admin). */
export const POST = apiHandler(async (request, context: JobRouteContext) => {
  const admin = await requireAdmin(request);
  const id = await jobIdFrom(context);
  const { folder } = await requeueJob(getDb(), getLayout(), id, admin.username);
  return json({ ok: true, folder });
});
