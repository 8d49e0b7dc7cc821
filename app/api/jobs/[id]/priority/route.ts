import { z } from "zod";
import { SUBMIT_NUMBER_RANGES } from "@/lib/core/submit-fields";
import { priorityLimit } from "@/lib/core/priority-limit";
import { setJobPriority } from "@/lib/server/jobs/set-priority";
import { getConfig, getLayout, getStore } from "@/lib/web/context";
import { json, readJson } from "@/lib/web/http";
import { withJobAction } from "@/lib/web/with-job-action";

export const dynamic = "force-dynamic";

const { min, max } = SUBMIT_NUMBER_RANGES.priority;
const prioritySchema = z.object({
  priority: z.number({ error: `a whole number from ${min} to ${max}` }).int(`a whole number from ${min} to ${max}`).min(min, `at least ${min}`).max(max, `at most ${max}`),
});

/**
 * `{ priority }`: a waiting job's new priority (higher runs first). Whoever may hold or
 * release the job may change it: its owner or the administrator.
 */
export const POST = withJobAction(
  "hold",
  async ({ request, viewer, job }) => {
    const { priority } = await readJson(request, prioritySchema);
    const limit = priorityLimit(getConfig().config.maxUserPriority, viewer.isAdmin);
    return json(await setJobPriority(getStore(), getLayout(), job.id, priority, viewer.user.username, limit));
  },
  { doing: "change its priority", what: "change a job's priority" },
);
