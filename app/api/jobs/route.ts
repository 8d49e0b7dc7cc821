import type { JobsAnswer } from "@/lib/core/api-types";
import { listJobsSchema } from "@/lib/core/job-schemas";
import { isWaitingState } from "@/lib/core/job-lifecycle";
import { findJobs } from "@/lib/server/jobs/find-jobs";
import { startEstimates } from "@/lib/server/queue/start-estimates";
import { getConfig, getDb, getStore } from "@/lib/web/context";
import { canSeeDetails } from "@/lib/web/job-access";
import { json, apiHandler, searchParamsOf } from "@/lib/web/http";
import { requireViewer } from "@/lib/web/auth";
import { handleSubmitRequest } from "@/lib/web/submit-request";
import { webLog } from "@/lib/web/web-log";

export const dynamic = "force-dynamic";

/** Submit a zipped job (multipart: file, e_mail, info, nb_proc, priority, hold, after_ok, after_any, array). See docs/api.md. */
export const POST = apiHandler(async (request) => {
  await requireViewer(request);
  const { array, ...job } = await handleSubmitRequest(request);
  webLog().info(`submitted: ${job.folder}`, { job: job.id });
  const arrayPart = array ? { array: { ...array, url: `/arrays/${array.id}` } } : {};
  return json({ job: { ...job, url: `/jobs/${job.id}` }, ...arrayPart }, { status: 201 });
});

/** List jobs: ?view=queued|running|finished|all&state=&owner=&q=&page=&pageSize= (see docs/api.md). */
export const GET = apiHandler(async (request) => {
  const viewer = await requireViewer(request);
  const input = listJobsSchema.parse(searchParamsOf(request));
  const page = await findJobs(getDb(), input, canSeeDetails(viewer));
  if (page.jobs.some((j) => isWaitingState(j.state))) {
    const estimates = await startEstimates(getStore(), getConfig().config);
    for (const job of page.jobs) if (isWaitingState(job.state)) job.estimate = estimates.of(job.id);
  }
  return json({ ...page, serverTime: new Date().toISOString() } satisfies JobsAnswer);
});
