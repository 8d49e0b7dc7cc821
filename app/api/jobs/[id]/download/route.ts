import { Readable } from "node:stream";
import { getJobOrThrow } from "@/lib/server/jobs/get-job-or-throw";
import { jobRootOf } from "@/lib/server/jobs/job-files";
import { zipJobFolder } from "@/lib/server/jobs/job-zip";
import { requireViewer } from "@/lib/web/auth";
import { getDb, getLayout } from "@/lib/web/context";
import { contentDisposition } from "@/lib/web/file-headers";
import { type JobRouteContext, hiddenFilesFor, jobIdFrom } from "@/lib/web/job-access";
import { apiHandler } from "@/lib/web/http";

export const dynamic = "force-dynamic";

/** The whole job folder as a zip, made while it is sent (constant memory). */
export const GET = apiHandler(async (request, context: JobRouteContext) => {
  const viewer = await requireViewer(request);
  const id = await jobIdFrom(context);
  const job = await getJobOrThrow(getDb(), id);
  const root = await jobRootOf(getLayout(), job.folder);
  const archive = zipJobFolder(root, job.name, request.signal, hiddenFilesFor(viewer));
  return new Response(Readable.toWeb(archive) as ReadableStream<Uint8Array>, {
    headers: {
      "Content-Type": "application/zip",
      "Content-Disposition": contentDisposition("attachment", `${job.name}.zip`),
      "X-Content-Type-Options": "nosniff",
      "Cache-Control": "no-store",
    },
  });
});
