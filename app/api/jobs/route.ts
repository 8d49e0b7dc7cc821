import type { JobsAnswer } from "@/lib/core/api-types";
import { AppError } from "@/lib/core/app-error";
import { listJobsSchema } from "@/lib/core/job-schemas";
import { findJobs } from "@/lib/server/jobs/find-jobs";
import { getDb } from "@/lib/web/context";
import { canSeeDetails } from "@/lib/web/job-access";
import { json, apiHandler, searchParamsOf } from "@/lib/web/http";
import { requireSubmitter, requireViewer } from "@/lib/web/access";
import { handleSubmitRequest } from "@/lib/web/submit-request";

export const dynamic = "force-dynamic";

/**
 * Submit zipped jobs (multipart: file, e_mail, info, nb_proc, priority). One `file`:
 * `{ job }`, 201. Several: `{ jobs }`, one entry per file in order (a job, or `{ file,
 * error }`), 201 when all were queued, else 207. A logged-in user's jobs are theirs, with
 * their e-mail as e_mail unless one is given. See docs/api.md.
 */
export const POST = apiHandler(async (request) => {
  const viewer = await requireSubmitter(request);
  const outcomes = await handleSubmitRequest(request, viewer.user);
  const entries = outcomes.map((o) =>
    o.ok ? { ...o.job, url: `/jobs/${o.job.id}` } : { file: o.zipName, error: { code: o.error.code, message: o.error.message, ...(o.error.details ? { details: o.error.details } : {}) } },
  );
  if (entries.length === 1) return json({ job: entries[0] }, { status: 201 });
  return json({ jobs: entries }, { status: outcomes.every((o) => o.ok) ? 201 : 207 });
});

/** List jobs: ?view=queued|running|finished|all&state=&owner=&q=&mine=1&page=&pageSize= (see docs/api.md). */
export const GET = apiHandler(async (request) => {
  const viewer = await requireViewer(request);
  const input = listJobsSchema.parse(searchParamsOf(request));
  if (input.mine === "1" && !viewer.user) throw new AppError("UNAUTHORIZED", "Log in to list your own jobs (mine=1).");
  const mine = input.mine === "1" && viewer.user ? { id: viewer.user.id, email: viewer.user.email } : undefined;
  const page = await findJobs(getDb(), input, canSeeDetails(viewer), mine);
  return json({ ...page, serverTime: new Date().toISOString() } satisfies JobsAnswer);
});
