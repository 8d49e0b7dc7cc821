import { progressQuerySchema } from "@/lib/core/job-schemas";
import { progressSamples } from "@/lib/server/jobs/progress-samples";
import { getDb } from "@/lib/web/context";
import { json } from "@/lib/web/http";
import { withJob } from "@/lib/web/with-job";

export const dynamic = "force-dynamic";

/**
 * The progress of the job's current (or last) run over time: (time, percent) samples the
 * worker recorded as its `i / n` lines changed. ?since= (ISO time): only newer ones.
 */
export const GET = withJob(async ({ job, query }) => json(await progressSamples(getDb(), job, query.since ? new Date(query.since) : undefined)), {
  query: progressQuerySchema,
});
