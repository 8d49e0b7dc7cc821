import { Readable } from "node:stream";
import { jobPathSchema } from "@/lib/core/job-schemas";
import { isTextFileName } from "@/lib/core/job-states";
import { openJobFile } from "@/lib/server/jobs/job-files";
import { contentDisposition, FILE_SAFETY_HEADERS } from "@/lib/web/file-headers";
import { withJob } from "@/lib/web/with-job";

export const dynamic = "force-dynamic";

/**
 * One file of the job. Text files (log, cfg, txt, xml, py, sh, csv...) come inline as
 * text/plain; everything else, or with ?download=1, as an octet-stream attachment.
 * Never as HTML/SVG in our origin: nosniff plus a CSP sandbox.
 */
export const GET = withJob(
  async ({ request, root, query, hiddenFiles }) => {
    const { handle, stat, rel } = await openJobFile(root, query.path, hiddenFiles);
    const name = rel.split("/").pop() || "file";
    const inline = query.download !== "1" && isTextFileName(name);
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
  },
  { folder: true, query: jobPathSchema },
);
