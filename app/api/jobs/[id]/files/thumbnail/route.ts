import { AppError } from "@/lib/core/app-error";
import { isRasterImage } from "@/lib/core/file-kinds";
import { thumbnailSchema } from "@/lib/core/job-schemas";
import { shownPath } from "@/lib/core/name-bytes";
import { openJobFile } from "@/lib/server/jobs/job-files";
import { thumbnailOf, thumbnailTag } from "@/lib/server/jobs/thumbnails";
import { getLayout } from "@/lib/web/context";
import { FILE_SAFETY_HEADERS } from "@/lib/web/file-headers";
import { withJob } from "@/lib/web/with-job";

export const dynamic = "force-dynamic";

/**
 * A picture of the job made smaller, as WebP (?size=thumb: 320 px, preview: 1600 px),
 * made once and cached (lib/server/jobs/thumbnails.ts). The file is opened and judged as
 * the raw route does; the browser keeps the answer and asks again with its ETag, so a
 * picture the job rewrites is shown anew.
 */
export const GET = withJob(
  async ({ request, job, folder, query }) => {
    const name = query.path.split("/").pop() ?? "";
    if (!isRasterImage(name)) throw new AppError("INVALID_INPUT", `"${shownPath(query.path)}" is not a PNG, JPEG, GIF or WebP picture; only those are made smaller.`);
    const opened = await openJobFile(folder, query.path);
    try {
      const headers = { ...FILE_SAFETY_HEADERS, "Cache-Control": "private, no-cache", ETag: `"${thumbnailTag(opened, query.size)}"` };
      if (request.headers.get("if-none-match") === headers.ETag) return new Response(null, { status: 304, headers });
      const { data } = await thumbnailOf(getLayout(), job.id, opened, query.size, request.signal);
      return new Response(new Uint8Array(data), { headers: { ...headers, "Content-Type": "image/webp", "Content-Length": String(data.length) } });
    } finally {
      await opened.handle.close();
    }
  },
  { folder: true, query: thumbnailSchema },
);
