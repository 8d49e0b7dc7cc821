import { Readable } from "node:stream";
import { jobPathSchema } from "@/lib/core/job-schemas";
import { isTextFileName } from "@/lib/core/job-states";
import { jobFileBody } from "@/lib/server/jobs/file-body";
import { openJobFile } from "@/lib/server/jobs/job-files";
import { contentDisposition, FILE_SAFETY_HEADERS } from "@/lib/web/file-headers";
import { withJob } from "@/lib/web/with-job";

export const dynamic = "force-dynamic";

/**
 * One file of the job. Text files (log, cfg, txt, xml, py, sh, csv...) come inline as
 * text/plain; everything else, or with ?download=1, as an octet-stream attachment.
 * Never as HTML/SVG in our origin: nosniff plus a CSP sandbox. The file is opened and
 * judged by descriptor (job-files.ts) and read up to the size it had then.
 */
export const GET = withJob(
  async ({ request, folder, query }) => {
    const opened = await openJobFile(folder, query.path);
    const name = opened.rel.split("/").pop() || "file";
    const inline = query.download !== "1" && isTextFileName(name);
    const body = jobFileBody(opened, true);
    request.signal.addEventListener("abort", () => body.destroy(), { once: true });
    return new Response(Readable.toWeb(body) as ReadableStream<Uint8Array>, {
      headers: {
        ...FILE_SAFETY_HEADERS,
        "Content-Type": inline ? "text/plain; charset=utf-8" : "application/octet-stream",
        // A process.log shown without its command lines is shorter than the file.
        ...(opened.hideCommand ? {} : { "Content-Length": String(opened.stat.size) }),
        "Content-Disposition": contentDisposition(inline ? "inline" : "attachment", name),
      },
    });
  },
  { folder: true, query: jobPathSchema },
);
