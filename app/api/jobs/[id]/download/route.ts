import { AppError } from "@/lib/core/app-error";
import { formatBytes } from "@/lib/core/format";
import { planJobZip, zipJobFolder } from "@/lib/server/jobs/job-zip";
import { getConfig } from "@/lib/web/context";
import { contentDisposition } from "@/lib/web/file-headers";
import { responseBody } from "@/lib/web/response-body";
import { withJob } from "@/lib/web/with-job";

export const dynamic = "force-dynamic";

/**
 * The whole job folder as a zip, made while it is sent (constant memory), refused
 * before anything is sent when it would read more than Max_Zip_MB.
 */
export const GET = withJob(
  async ({ request, job, folder }) => {
    const maxZipMb = getConfig().config.web.maxZipMb;
    const plan = await planJobZip(folder);
    if (plan.bytes > maxZipMb * 1024 * 1024) {
      throw new AppError(
        "TOO_LARGE",
        `This job folder holds ${formatBytes(plan.bytes)} in ${plan.files} files, more than one zip download may hold (Max_Zip_MB = ${maxZipMb}). Download its files one by one from the job page, or ask the administrator to raise Max_Zip_MB.`,
      );
    }
    const archive = zipJobFolder(folder, job.name, { signal: request.signal, maxBytes: maxZipMb * 1024 * 1024 });
    return new Response(responseBody(archive), {
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
