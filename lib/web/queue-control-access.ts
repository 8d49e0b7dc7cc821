/**
 * Who may control jobs and the queue (hold, release, kill, requeue, delete, pause, resume):
 * a job's owner or the administrator for a job (lib/web/permissions.ts, the one rule), the
 * administrator alone for the queue as a whole.
 */
import { AppError } from "../core/app-error";
import type { OwnedJob, UserAction } from "../core/job-permissions";
import { requireViewer } from "./access";
import type { Viewer } from "./auth";
import { can, requireCan } from "./permissions";
import { withJobAction } from "./with-job-action";

export type ControlAction = UserAction | "pause" | "resume";

/** What the permission rule looks at in a job: its id and owner. */
export interface ControlledJob extends OwnedJob {
  id: number;
}

const QUEUE_WIDE = new Set<ControlAction>(["pause", "resume"]);

export function mayControl(viewer: Viewer, job: ControlledJob | null, action: ControlAction): boolean {
  if (QUEUE_WIDE.has(action) || !job) return viewer.isAdmin;
  return can(viewer, job, action as UserAction);
}

/**
 * The name the job's history records for `viewer` doing `action`, or UNAUTHORIZED / FORBIDDEN.
 * `subject` names what a refusal is about when it is not the job itself (an array).
 */
export async function authorizeControl(viewer: Viewer, action: ControlAction, job: ControlledJob | null, subject?: string): Promise<string> {
  if (job && !QUEUE_WIDE.has(action)) {
    await requireCan(viewer, job, action as UserAction, { subject });
    return viewer.user!.username;
  }
  if (!viewer.user) throw new AppError("UNAUTHORIZED", `Log in as the administrator to ${action} the queue.`);
  if (!viewer.isAdmin) throw new AppError("FORBIDDEN", `Only the administrator may ${action} the queue.`);
  return viewer.user.username;
}

/** The viewer (Require_Login and CSRF checked) allowed to do `action` to the queue as a whole. */
export async function requireControl(request: Request, action: ControlAction): Promise<string> {
  return authorizeControl(await requireViewer(request), action, null);
}

/** A POST /api/jobs/:id/<action> handler (with-job-action.ts): `fn` gets the job id and the name for its history. */
export function controlledJobRoute(action: UserAction, fn: (args: { id: number; by: string }) => Promise<Response>) {
  return withJobAction(action, ({ viewer, job }) => fn({ id: job.id, by: viewer.user.username }));
}
