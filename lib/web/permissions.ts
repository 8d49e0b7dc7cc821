/**
 * Who may act on a job, for route handlers and the UI's buttons alike: the rule of
 * lib/core/job-permissions.ts with QMserv.cfg's Licence_to_kill and Delete_Jobs. Every
 * action (kill, requeue, delete, hold, release) asks `can` or `requireCan` here.
 */
import type { Permissions, SwitchedOff } from "../core/api-types";
import { AppError } from "../core/app-error";
import { type OwnedJob, type RefusalWords, type UserAction, isOwner, mayAct, refusalOf } from "../core/job-permissions";
import type { Viewer } from "./auth";
import { getConfig, getDb } from "./context";
import { canSeeDetails } from "./job-access";

const switches = () => {
  const { licenceToKill, deleteJobs } = getConfig().config.web;
  return { licenceToKill, deleteJobs };
};

export function can(viewer: Viewer, job: OwnedJob, action: UserAction): boolean {
  return mayAct(viewer.user, job, action, switches());
}

/**
 * What the viewer may do with this job (the job page shows only these buttons), or with
 * `null`, with any job: the administrator all, others nothing (they act on their own
 * jobs, which their pages and list rows say). Pausing the queue is the administrator's.
 */
export function permissionsFor(viewer: Viewer, job: OwnedJob | null): Permissions {
  const s = switches();
  const may = (action: UserAction) => (job ? mayAct(viewer.user, job, action, s) : viewer.isAdmin);
  return { kill: may("kill"), requeue: may("requeue"), delete: may("delete"), hold: may("hold"), release: may("release"), pause: viewer.isAdmin };
}

/**
 * The viewer's own job's actions that QMserv.cfg switches off (Licence_to_kill, Delete_Jobs
 * = False), with the sentence that says so: the job page says why its button is missing
 * rather than leaving its owner to wonder.
 */
export function switchedOffFor(viewer: Viewer, job: OwnedJob & { id: number }): SwitchedOff {
  const out: SwitchedOff = {};
  if (!viewer.user || !isOwner(viewer.user, job)) return out;
  const s = switches();
  for (const action of ["kill", "delete"] as const) {
    // To its owner, the only refusal left is the switch's.
    const refusal = refusalOf(viewer.user, job, action, s);
    if (refusal) out[action] = refusal;
  }
  return out;
}

/**
 * UNAUTHORIZED when nobody is logged in, FORBIDDEN when this user may not. The refusal
 * names the job's owner (the account that submitted it, else its e_mail) only to a viewer
 * who may see it (Display_details, job-access.ts): not the owner, so the same decision is
 * taken without it.
 */
export async function requireCan(viewer: Viewer, job: OwnedJob & { id: number }, action: UserAction, words?: RefusalWords): Promise<void> {
  if (mayAct(viewer.user, job, action, switches())) return;
  const shown = canSeeDetails(viewer, job) ? { ...job, account: await accountNameOf(job.userId) } : { ...job, owner: null, account: null };
  const refusal = refusalOf(viewer.user, shown, action, switches(), words);
  if (refusal) throw new AppError(viewer.user ? "FORBIDDEN" : "UNAUTHORIZED", refusal);
}

async function accountNameOf(userId: number | null): Promise<string | null> {
  if (userId === null) return null;
  return (await getDb().user.findUnique({ where: { id: userId }, select: { username: true } }))?.username ?? null;
}
