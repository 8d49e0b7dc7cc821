import { Readable } from "node:stream";
import { zipJobFolder } from "@/lib/server/jobs/job-zip";
import { contentDisposition } from "@/lib/web/file-headers";
import { withJob } from "@/lib/web/with-job";

export const dynamic = "force-dynamic";

/** The whole job folder as a zip, made while it is sent (constant memory). */
export const GET = withJob(
  ({ request, job, root, hiddenFiles }) => {
    const archive = zipJobFolder(root, job.name, request.signal, hiddenFiles);
    return new Response(Readable.toWeb(archive) as ReadableStream<Uint8Array>, {
      headers: {
        "Content-Type": "application/zip",
        "Content-Disposition": contentDisposition("attachment", `${job.name}.zip`),
        "X-Content-Type-Options": "nosniff",
        "Cache-Control": "no-store",
      },
    });
  },
  { folder: true },
);
