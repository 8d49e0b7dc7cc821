import { Readable } from "node:stream";
import { jobPathSchema } from "@/lib/core/job-schemas";
import { isTextFileName } from "@/lib/core/job-states";
import { getJobOrThrow } from "@/lib/server/jobs/get-job-or-throw";
import { jobRootOf, openJobFile } from "@/lib/server/jobs/job-files";
import { requireViewer } from "@/lib/web/auth";
import { getDb, getLayout } from "@/lib/web/context";
import { type JobRouteContext, hiddenFilesFor, jobIdFrom } from "@/lib/web/job-access";
import { apiHandler, searchParamsOf } from "@/lib/web/http";
import { contentDisposition, FILE_SAFETY_HEADERS } from "@/lib/web/file-headers";

export const dynamic = "force-dynamic";

/**
 * One file of the job. Text files (log, cfg, txt, xml, py, sh, csv...) come inline as
 * text/plain; everything else, or with ?download=1, as an octet-stream attachment.
 * Never as HTML/SVG in our origin: nosniff plus a CSP sandbox.
 */
export const GET = apiHandler(async (request, context: JobRouteContext) => {
  const viewer = await requireViewer(request);
  const id = await jobIdFrom(context);
  const { path, download } = jobPathSchema.parse(searchParamsOf(request));
  const job = await getJobOrThrow(getDb(), id);
  const root = await jobRootOf(getLayout(), job.folder);
  const { handle, stat, rel } = await openJobFile(root, path, hiddenFilesFor(viewer));
  const name = rel.split("/").pop() || "file";
  const inline = download !== "1" && isTextFileName(name);
  const stream = handle.createReadStream({ autoClose: true });
  request.signal.addEventListener("abort", () => stream.destroy(), { once: true });
  return new Response(Readable.toWeb(stream) as ReadableStream<Uint8Array>, {
    headers: {
      ...FILE_SAFETY_HEADERS,
      "Content-Type": inline ? "text/plain; charset=utf-8" : "application/octet-stream",
      "Content-Length": String(stat.size),
      "Content-Disposition": contentDisposition(inline ? "inline" : "attachment", name),
    },
  });
});
