import { jobPathSchema } from "@/lib/core/job-schemas";
import { listJobDir } from "@/lib/server/jobs/job-files";
import { json } from "@/lib/web/http";
import { withJob } from "@/lib/web/with-job";

export const dynamic = "force-dynamic";

/** The entries of one folder of the job (?path=sub/folder; empty: the job folder). */
export const GET = withJob(async ({ folder, query }) => json(await listJobDir(folder, query.path)), { folder: true, query: jobPathSchema });
