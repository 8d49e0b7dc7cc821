/**
 * Who may control jobs and the queue (hold, release, kill, requeue, delete, pause, resume).
 * Every queue-control route and the `can` flags the UI shows go through `mayControl`.
 * Until accounts exist it is the administrator; with them, its body becomes the one line
 * `return can(viewer, job, action);` (the accounts branch's permission function in lib/web).
 */
import { AppError } from "../core/app-error";
import { type Viewer, requireViewer } from "./auth";
import { getStore } from "./context";
import { apiHandler } from "./http";
import { type JobRouteContext, jobIdFrom } from "./job-access";

export type ControlAction = "hold" | "release" | "kill" | "requeue" | "delete" | "pause" | "resume";

/** What the permission rule may look at in a job (its owner, once accounts exist). */
export interface ControlledJob {
  id: number;
  userId: number | null;
  owner: string | null;
}

export function mayControl(viewer: Viewer, _job: ControlledJob | null, _action: ControlAction): boolean {
  return viewer.isAdmin;
}

/** The name the job's history records for `viewer` doing `action`, or UNAUTHORIZED / FORBIDDEN. */
export function authorizeControl(viewer: Viewer, action: ControlAction, job: ControlledJob | null): string {
  if (mayControl(viewer, job, action)) return viewer.admin?.username ?? "anonymous";
  if (!viewer.admin) throw new AppError("UNAUTHORIZED", `Log in as the administrator to ${action} ${job ? `job ${job.id}` : "the queue"}.`);
  throw new AppError("FORBIDDEN", `You may not ${action} ${job ? `job ${job.id}` : "the queue"}.`);
}

/** The viewer (Require_Login and CSRF checked) allowed to do `action` to the queue as a whole. */
export async function requireControl(request: Request, action: ControlAction): Promise<string> {
  return authorizeControl(await requireViewer(request), action, null);
}

/**
 * A POST /api/jobs/:id/<action> handler: the viewer, the job (NOT_FOUND once deleted),
 * the permission for that job, then `fn` with the job id and the name for its history.
 */
export function controlledJobRoute(action: ControlAction, fn: (args: { id: number; by: string }) => Promise<Response>) {
  return apiHandler(async (request: Request, context: JobRouteContext) => {
    const viewer = await requireViewer(request);
    const id = await jobIdFrom(context);
    const job = await getStore().getJob(id);
    if (!job || job.state === "deleted") throw new AppError("NOT_FOUND", `There is no job ${id}; it may have been deleted.`);
    return fn({ id, by: authorizeControl(viewer, action, job) });
  });
}
