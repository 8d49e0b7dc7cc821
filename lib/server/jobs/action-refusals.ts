/**
 * What acting on a job would meet, said before anyone acts: `can` (lib/web/permissions.ts)
 * says who may act, this whether the act can succeed as things are now. An action that fits
 * the job and that the viewer may do, but that the server is sure to refuse, comes with the
 * refusal it would give, so the job page shows its button disabled with that reason and
 * qm show does not list it among what you may do. The action's own check stays the
 * authority (requeueJob throws the same AppError); this only reads it beforehand.
 */
import type { ActionRefusals, Permissions } from "../../core/api-types";
import { actionsFitting } from "../../core/job-permissions";
import type { QmLayout } from "../qm-folders";
import type { JobStore } from "../store/job-store";
import { requeueObstacle } from "./requeue-job";

/** The job as this needs it: what actionsFitting reads, and where its folder is. */
export interface RefusableJob {
  id: number;
  state: string;
  killRequestedAt: Date | null;
  folder: string;
  purgedAt: Date | null;
}

export async function actionRefusals(store: JobStore, layout: QmLayout, job: RefusableJob, can: Permissions): Promise<ActionRefusals> {
  // Only requeue has refusals that can be known beforehand: hold, release, kill and delete
  // are refused only for a state the job is not in (actionsFitting) or a race with the worker.
  if (!can.requeue || !actionsFitting({ ...job, killRequested: job.killRequestedAt !== null }).includes("requeue")) return {};
  const obstacle = await requeueObstacle(store, layout, job);
  return obstacle ? { requeue: obstacle.message } : {};
}
