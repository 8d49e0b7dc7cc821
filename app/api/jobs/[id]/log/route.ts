import { logQuerySchema } from "@/lib/core/job-schemas";
import { getJobOrThrow } from "@/lib/server/jobs/get-job-or-throw";
import { jobRootOf } from "@/lib/server/jobs/job-files";
import { readLog } from "@/lib/server/jobs/read-log";
import { requireViewer } from "@/lib/web/auth";
import { getDb, getLayout } from "@/lib/web/context";
import { type JobRouteContext, jobIdFrom } from "@/lib/web/job-access";
import { apiHandler, json, searchParamsOf } from "@/lib/web/http";

export const dynamic = "force-dynamic";

/** process.log from ?offset= (bytes) up to the last complete line; no offset: the last 64 KB. */
export const GET = apiHandler(async (request, context: JobRouteContext) => {
  await requireViewer(request);
  const id = await jobIdFrom(context);
  const { offset } = logQuerySchema.parse(searchParamsOf(request));
  const job = await getJobOrThrow(getDb(), id);
  const root = await jobRootOf(getLayout(), job.folder);
  return json({ ...(await readLog(root, offset)), state: job.state });
});
