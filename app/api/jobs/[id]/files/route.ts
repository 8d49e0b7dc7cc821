import { jobPathSchema } from "@/lib/core/job-schemas";
import { getJobOrThrow } from "@/lib/server/jobs/get-job-or-throw";
import { jobRootOf, listJobDir } from "@/lib/server/jobs/job-files";
import { requireViewer } from "@/lib/web/auth";
import { getDb, getLayout } from "@/lib/web/context";
import { type JobRouteContext, hiddenFilesFor, jobIdFrom } from "@/lib/web/job-access";
import { apiHandler, json, searchParamsOf } from "@/lib/web/http";

export const dynamic = "force-dynamic";

/** The entries of one folder of the job (?path=sub/folder; empty: the job folder). */
export const GET = apiHandler(async (request, context: JobRouteContext) => {
  const viewer = await requireViewer(request);
  const id = await jobIdFrom(context);
  const { path } = jobPathSchema.parse(searchParamsOf(request));
  const job = await getJobOrThrow(getDb(), id);
  const root = await jobRootOf(getLayout(), job.folder);
  return json(await listJobDir(root, path, hiddenFilesFor(viewer)));
});
