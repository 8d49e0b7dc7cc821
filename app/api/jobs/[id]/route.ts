import type { JobAnswer } from "@/lib/core/api-types";
import { actionRefusals } from "@/lib/server/jobs/action-refusals";
import { deleteJob } from "@/lib/server/jobs/delete-job";
import { jobNotes } from "@/lib/server/jobs/job-notes";
import { jobQueueDetails } from "@/lib/server/jobs/job-queue-details";
import { toJobDetail } from "@/lib/server/jobs/job-view";
import { queuePosition } from "@/lib/server/jobs/queue-position";
import { fairShareUsage } from "@/lib/server/queue/fair-share-usage";
import { getConfig, getDb, getLayout, getStore } from "@/lib/web/context";
import { json } from "@/lib/web/http";
import { permissionsFor, switchedOffFor } from "@/lib/web/permissions";
import { webLog } from "@/lib/web/web-log";
import { withJob } from "@/lib/web/with-job";
import { withJobAction } from "@/lib/web/with-job-action";

export const dynamic = "force-dynamic";

/** One job: every info key, its history, its place in the queue, what the viewer may do with it and what of that would be refused now, its notes. */
export const GET = withJob(async ({ viewer, job, showDetails }) => {
  const usage = job.state === "queued" ? await fairShareUsage(getStore(), getConfig().config) : undefined;
  const position = (await queuePosition(getDb(), job, usage)) ?? undefined;
  const queue = await jobQueueDetails(getDb(), getStore(), getConfig().config, getLayout().root, job);
  const can = permissionsFor(viewer, job);
  const refused = await actionRefusals(getStore(), getLayout(), job, can);
  const switchedOff = switchedOffFor(viewer, job);
  const notes = jobNotes(job, getConfig().config, showDetails);
  return json({ job: { ...toJobDetail(job, showDetails, getConfig().config), position, ...queue }, can, refused, switchedOff, notes, serverTime: new Date().toISOString() } satisfies JobAnswer);
});

/** Delete a queued or finished job (its owner or the admin; Delete_Jobs = False: the admin only). */
export const DELETE = withJobAction("delete", async ({ viewer, job }) => {
  await deleteJob(getStore(), getLayout(), job.id, viewer.user.username);
  webLog().info(`deleted by ${viewer.user.username}`, { job: job.id });
  return json({ ok: true });
});
