import { requestKill } from "@/lib/server/jobs/kill-job";
import { getLayout, getStore } from "@/lib/web/context";
import { json } from "@/lib/web/http";
import { webLog } from "@/lib/web/web-log";
import { withJobAction } from "@/lib/web/with-job-action";

export const dynamic = "force-dynamic";

/** Kill a running job (its owner or the admin; Licence_to_kill = False: the admin only). The worker ends it as `killed`. */
export const POST = withJobAction("kill", async ({ viewer, job }) => {
  await requestKill(getStore(), getLayout(), job.id, viewer.user.username);
  webLog().info(`kill requested by ${viewer.user.username}`, { job: job.id });
  return json({ ok: true }, { status: 202 });
});
