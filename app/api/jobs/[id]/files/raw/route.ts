import { inlineMediaType } from "@/lib/core/file-kinds";
import { jobPathSchema } from "@/lib/core/job-schemas";
import { shownPath } from "@/lib/core/name-bytes";
import { jobFileBody } from "@/lib/server/jobs/file-body";
import { openJobFile } from "@/lib/server/jobs/job-files";
import { FILE_SAFETY_HEADERS, FRAMEABLE_HEADERS, contentDisposition } from "@/lib/web/file-headers";
import { responseBody } from "@/lib/web/response-body";
import { withJob } from "@/lib/web/with-job";

export const dynamic = "force-dynamic";

/**
 * One file of the job. Text files (log, cfg, txt, xml, py, sh, csv...) come inline as
 * text/plain, pictures (PNG, JPEG, GIF, WebP, SVG) and PDF inline with their own type
 * (file-kinds.ts); everything else, or with ?download=1, as an octet-stream attachment.
 * Never as HTML in our origin, and never active: nosniff plus a CSP sandbox, which also
 * makes a PDF framed by the job page a sandboxed document. The file is opened and judged
 * by descriptor (job-files.ts) and read up to the size it had then.
 */
export const GET = withJob(
  async ({ folder, query }) => {
    const opened = await openJobFile(folder, query.path);
    // A name that is not UTF-8 is saved under its Latin-1 reading (filename*, UTF-8).
    const name = shownPath(opened.rel.split("/").pop() || "file");
    const mediaType = query.download === "1" ? null : inlineMediaType(name);
    return new Response(responseBody(jobFileBody(opened, true)), {
      headers: {
        ...FILE_SAFETY_HEADERS,
        // Only the job page may frame a PDF (its viewer); nothing else is ever framed.
        ...(mediaType === "application/pdf" ? FRAMEABLE_HEADERS : {}),
        "Content-Type": mediaType ?? "application/octet-stream",
        // A process.log shown without its command lines is shorter than the file.
        ...(opened.hideCommand ? {} : { "Content-Length": String(opened.stat.size) }),
        "Content-Disposition": contentDisposition(mediaType ? "inline" : "attachment", name),
      },
    });
  },
  { folder: true, query: jobPathSchema },
);
