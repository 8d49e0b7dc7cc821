import { priorityLimit } from "@/lib/core/priority-limit";
import { requeueJob } from "@/lib/server/jobs/requeue-job";
import { getConfig, getLayout, getStore } from "@/lib/web/context";
import { json } from "@/lib/web/http";
import { webLog } from "@/lib/web/web-log";
import { withJobAction } from "@/lib/web/with-job-action";

export const dynamic = "force-dynamic";

/** Put a finished job back in the queue (its owner or the admin). */
export const POST = withJobAction("requeue", async ({ viewer, job }) => {
  const { config } = getConfig();
  const folderRule = { jobFile: config.jobFile, strict: config.strictJobFile };
  const { folder } = await requeueJob(getStore(), getLayout(), job.id, viewer.user.username, folderRule, priorityLimit(config.maxUserPriority, viewer.isAdmin));
  webLog().info(`requeued by ${viewer.user.username} -> ${folder}`, { job: job.id });
  return json({ ok: true, folder });
});
