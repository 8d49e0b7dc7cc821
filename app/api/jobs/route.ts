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
 * Submit a zipped job (multipart: file, e_mail, info, nb_proc, priority). A logged-in
 * user's job is theirs, with their e-mail as e_mail unless one is given. See docs/api.md.
 */
export const POST = apiHandler(async (request) => {
  const viewer = await requireSubmitter(request);
  const job = await handleSubmitRequest(request, viewer.user);
  return json({ job: { ...job, url: `/jobs/${job.id}` } }, { status: 201 });
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
