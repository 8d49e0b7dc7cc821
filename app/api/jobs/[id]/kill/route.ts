import { AppError } from "@/lib/core/app-error";
import { requestKill } from "@/lib/server/jobs/kill-job";
import { requireAdmin } from "@/lib/web/auth";
import { getConfig, getLayout, getStore } from "@/lib/web/context";
import { type JobRouteContext, jobIdFrom } from "@/lib/web/job-access";
import { apiHandler, json } from "@/lib/web/http";
import { webLog } from "@/lib/web/web-log";

export const dynamic = "force-dynamic";

/** Kill a running job (admin; QMserv.cfg Licence_to_kill). The worker ends it as `killed`. */
export const POST = apiHandler(async (request, context: JobRouteContext) => {
  const admin = await requireAdmin(request);
  const id = await jobIdFrom(context);
  if (!getConfig().config.web.licenceToKill) throw new AppError("FORBIDDEN", "Killing jobs is switched off (Licence_to_kill = False in QMserv.cfg).");
  await requestKill(getStore(), getLayout(), id, admin.username);
  webLog().info(`kill requested by ${admin.username}`, { job: id });
  return json({ ok: true }, { status: 202 });
});
