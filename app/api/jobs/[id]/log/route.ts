import type { LogAnswer } from "@/lib/core/api-types";
import { logQuerySchema } from "@/lib/core/job-schemas";
import { readLog } from "@/lib/server/jobs/read-log";
import { json } from "@/lib/web/http";
import { withJob } from "@/lib/web/with-job";

export const dynamic = "force-dynamic";

/** process.log from ?offset= (bytes) up to the last line end (a newline or a carriage return); no offset: the last 64 KB. */
export const GET = withJob(
  async ({ job, folder, query }) => json({ ...(await readLog(folder, query.offset)), state: job.state } satisfies LogAnswer),
  { folder: true, query: logQuerySchema },
);
