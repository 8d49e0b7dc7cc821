/**
 * Who may act on a job: the rule in one place (lib/web/permissions.ts applies it to
 * requests). The administrator may do everything; a user may act on the jobs they own;
 * Licence_to_kill = False and Delete_Jobs = False switch killing and deleting off for
 * everyone but the administrator. Nobody acts anonymously.
 * Changing a waiting job's priority goes with holding and releasing it (the same people).
 *
 * A job is owned by the account that submitted it (Job.userId). A job without one (a
 * folder dropped by hand, an imported one) is owned by the user whose e-mail, set by the
 * administrator, is the job's e_mail: so people can stop their own runaway folder jobs.
 */

import { isActiveState, isFinishedState, isWaitingState } from "./job-lifecycle";

export const USER_ACTIONS = ["kill", "requeue", "delete", "hold", "release"] as const;
export type UserAction = (typeof USER_ACTIONS)[number];

/** The actions that fit a job as it is now (the job page's buttons, qm show's "you may"), before who may do them. */
export function actionsFitting(job: { state: string; killRequested: boolean; purgedAt?: unknown }): UserAction[] {
  const fits: Record<UserAction, boolean> = {
    // Handed to the executor: running, or pending in Slurm's queue (cancelled there at once).
    kill: isActiveState(job.state) && !job.killRequested,
    // A job whose folder the retention pass removed has nothing left to run.
    requeue: isFinishedState(job.state) && !job.purgedAt,
    delete: isWaitingState(job.state) || isFinishedState(job.state),
    hold: job.state === "queued",
    release: job.state === "held",
  };
  return USER_ACTIONS.filter((action) => fits[action]);
}

/** A logged-in person, as permissions need them. */
export interface Actor {
  id: number;
  role: "admin" | "user";
  email: string | null;
}

/** What of a job decides its owner. */
export interface OwnedJob {
  userId: number | null;
  owner: string | null;
}

export interface ActionSwitches {
  licenceToKill: boolean;
  deleteJobs: boolean;
}

export function isOwner(actor: Actor, job: OwnedJob): boolean {
  if (job.userId !== null) return job.userId === actor.id;
  return !!actor.email && !!job.owner && actor.email.trim().toLowerCase() === job.owner.trim().toLowerCase();
}

/**
 * The job's owner or the administrator: who may act on it (mayAct, under QMserv.cfg's
 * switches) and read the files it keeps from others (lib/core/private-files.ts).
 */
export function isOwnerOrAdmin(actor: Actor | null, job: OwnedJob): boolean {
  return !!actor && (actor.role === "admin" || isOwner(actor, job));
}

export function mayAct(actor: Actor | null, job: OwnedJob, action: UserAction, switches: ActionSwitches): boolean {
  if (!actor || !isOwnerOrAdmin(actor, job)) return false;
  if (actor.role === "admin") return true;
  if (action === "kill") return switches.licenceToKill;
  if (action === "delete") return switches.deleteJobs;
  return true;
}

/** How a refusal names what is acted on. */
export interface RefusalWords {
  /** An act that goes with `action` (a priority change goes with hold: "change its priority"). */
  doing?: string;
  /** What is acted on: "Job 7" (default), or "Array 3" for an action on a whole array, decided on its first element. */
  subject?: string;
}

/** A job as a refusal names its owner: `account`, the user name of the account that submitted it (null: unknown or not to be shown). */
export type RefusedJob = OwnedJob & { id: number; account?: string | null };

/**
 * Whose the job is, for a refusal: the account that submitted it, never its e_mail, which
 * anyone may type (the administrator submitting for bob with e_mail bob@lab.org: bob was
 * told the job "belongs to bob@lab.org"); the e_mail of a job without an account, which
 * is the owner's by definition (isOwner), so never the refused person's.
 */
function ownerPhrase(job: RefusedJob): string {
  if (job.userId !== null) return job.account ? ` (it was submitted by ${job.account})` : "";
  return job.owner ? ` (it belongs to ${job.owner})` : "";
}

/** Why `actor` may not do `action` to `job`, in words for them (null when they may). */
export function refusalOf(actor: Actor | null, job: RefusedJob, action: UserAction, switches: ActionSwitches, words: RefusalWords = {}): string | null {
  if (mayAct(actor, job, action, switches)) return null;
  const { doing = `${action} it`, subject = `Job ${job.id}` } = words;
  if (!actor) return `Log in to ${action} jobs.`;
  if (!isOwner(actor, job)) return `${subject} is not yours${ownerPhrase(job)}; only its owner or the administrator may ${doing}.`;
  const key = action === "kill" ? "Licence_to_kill" : "Delete_Jobs";
  return `${action === "kill" ? "Killing" : "Deleting"} jobs is switched off (${key} = False in QMserv.cfg); ask the administrator.`;
}

/** What a user may do with their own jobs under these switches, in words: "hold, release, requeue, kill or delete". */
export function ownJobActionsPhrase(switches: ActionSwitches): string {
  const me: Actor = { id: 0, role: "user", email: null };
  const order: UserAction[] = ["hold", "release", "requeue", "kill", "delete"];
  const actions = order.filter((action) => mayAct(me, { userId: me.id, owner: null }, action, switches));
  return actions.length > 1 ? `${actions.slice(0, -1).join(", ")} or ${actions.at(-1)}` : actions.join("");
}
