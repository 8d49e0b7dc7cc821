import type { JobsAnswer } from "@/lib/core/api-types";
import { AppError } from "@/lib/core/app-error";
import { isWaitingState } from "@/lib/core/job-lifecycle";
import { listJobsSchema } from "@/lib/core/job-schemas";
import { findJobs } from "@/lib/server/jobs/find-jobs";
import { jobNotes } from "@/lib/server/jobs/job-notes";
import type { SubmittedJob } from "@/lib/server/jobs/submit-job";
import { fairShareUsage } from "@/lib/server/queue/fair-share-usage";
import { startEstimates } from "@/lib/server/queue/start-estimates";
import { requireSubmitter, requireViewer } from "@/lib/web/access";
import { getConfig, getDb, getLayout, getStateCounts, getStore } from "@/lib/web/context";
import { apiHandler, json, searchParamsOf } from "@/lib/web/http";
import { canSeeDetails } from "@/lib/web/job-access";
import { permissionsFor } from "@/lib/web/permissions";
import { handleSubmitRequest } from "@/lib/web/submit-request";
import { webLog } from "@/lib/web/web-log";

export const dynamic = "force-dynamic";

// `notes`: what the job will get that differs from what it asked, and what was read instead of what.
const withUrls = ({ array, asked, ...job }: SubmittedJob) => ({
  ...job,
  notes: jobNotes(asked, getConfig().config),
  url: `/jobs/${job.id}`,
  ...(array ? { array: { ...array, url: `/arrays/${array.id}` } } : {}),
});

/**
 * Submit zipped jobs (multipart: file, e_mail, info, nb_proc, nb_gpu, priority, hold, after_ok,
 * after_any, array). One `file`: `{ job, array? }`, 201. Several: `{ jobs }`, one entry
 * per file in order (a job, or `{ file, error }`), 201 when all were queued, else 207. A
 * logged-in user's jobs are theirs, with their e-mail as e_mail unless one is given.
 * See docs/api.md.
 */
export const POST = apiHandler(async (request) => {
  const viewer = await requireSubmitter(request);
  const outcomes = await handleSubmitRequest(request, viewer.user);
  // Who, as kills, requeues and deletions say (docs/admin.md, "Where logs go").
  const who = viewer.user ? viewer.user.username : "a visitor (not logged in)";
  for (const o of outcomes) if (o.ok) webLog().info(`submitted by ${who}: ${o.job.folder}`, { job: o.job.id });
  if (outcomes.length === 1 && outcomes[0].ok) {
    const { array, ...job } = withUrls(outcomes[0].job);
    return json({ job, ...(array ? { array } : {}) }, { status: 201 });
  }
  const jobs = outcomes.map((o) =>
    o.ok ? withUrls(o.job) : { file: o.zipName, error: { code: o.error.code, message: o.error.message, ...(o.error.details ? { details: o.error.details } : {}) } },
  );
  return json({ jobs }, { status: outcomes.every((o) => o.ok) ? 201 : 207 });
});

/**
 * List jobs: ?view=queued|running|finished|all&state=&owner=&q=&mine=1&page=&pageSize=
 * (see docs/api.md). Each job says what the viewer may do with it (`can`).
 */
export const GET = apiHandler(async (request) => {
  const viewer = await requireViewer(request);
  const input = listJobsSchema.parse(searchParamsOf(request));
  if (input.mine === "1" && !viewer.user) throw new AppError("UNAUTHORIZED", "Log in to list your own jobs (mine=1).");
  const mine = input.mine === "1" && viewer.user ? { id: viewer.user.id, email: viewer.user.email } : undefined;
  const usage = input.view === "queued" ? await fairShareUsage(getStore(), getConfig().config) : undefined;
  const page = await findJobs(getDb(), input, { showDetails: canSeeDetails(viewer), mine, permissions: (row) => permissionsFor(viewer, row), counts: getStateCounts(), usage, rules: getConfig().config });
  if (page.jobs.some((j) => isWaitingState(j.state))) {
    const estimates = await startEstimates(getStore(), getConfig().config, getLayout().root);
    for (const job of page.jobs) if (isWaitingState(job.state)) job.estimate = estimates.of(job.id);
  }
  return json({ ...page, serverTime: new Date().toISOString() } satisfies JobsAnswer);
});
