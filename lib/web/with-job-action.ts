/**
 * The wrapper of the handlers that act on a job (kill, requeue, delete, hold, release):
 * in order the logged-in user (401 without one, CSRF for cookie sessions), the job id,
 * the job (404 once deleted), then `requireCan` (403 when the job is not theirs or the
 * action is switched off). The handler runs only when all of that passed.
 *
 *   export const POST = withJobAction("kill", async ({ viewer, job }) => ...);
 */
import { AppError } from "../core/app-error";
import type { UserAction } from "../core/job-permissions";
import type { JobRow } from "../server/store/job-reads";
import { type UserViewer, requireUser } from "./access";
import { getStore } from "./context";
import { apiHandler } from "./http";
import { type JobRouteContext, jobIdFrom } from "./job-access";
import { requireCan } from "./permissions";

export interface JobActionArgs {
  request: Request;
  viewer: UserViewer;
  job: JobRow;
}

/**
 * `as`: an act that goes with `action`'s permission, in words (a priority change goes with
 * hold: `{ doing: "change its priority", what: "change a job's priority" }`).
 */
export function withJobAction(
  action: UserAction,
  handler: (args: JobActionArgs) => Promise<Response> | Response,
  as?: { doing: string; what: string },
): (request: Request, context: JobRouteContext) => Promise<Response> {
  return apiHandler(async (request: Request, context: JobRouteContext) => {
    const viewer = await requireUser(request, as?.what ?? `${action} jobs`);
    const id = await jobIdFrom(context);
    const job = await getStore().getJob(id);
    if (!job || job.state === "deleted") throw new AppError("NOT_FOUND", `There is no job ${id}; it may have been deleted.`);
    await requireCan(viewer, job, action, { doing: as?.doing });
    return handler({ request, viewer, job });
  });
}
