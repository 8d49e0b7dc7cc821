import { requestKill } from "@/lib/server/jobs/kill-job";
import { getLayout, getStore } from "@/lib/web/context";
import { json } from "@/lib/web/http";
import { withJobAction } from "@/lib/web/with-job-action";

export const dynamic = "force-dynamic";

/** Kill a running job (its owner or the admin; Licence_to_kill = False: the admin only). The worker ends it as `killed`. */
export const POST = withJobAction("kill", async ({ viewer, job }) => {
  await requestKill(getStore(), getLayout(), job.id, viewer.user.username);
  return json({ ok: true }, { status: 202 });
});
