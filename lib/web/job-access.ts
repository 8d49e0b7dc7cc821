/** Shared steps of the /api/jobs/:id handlers. */
import type { Permissions } from "../core/api-types";
import { jobIdSchema } from "../core/job-schemas";
import type { Viewer } from "./auth";
import { getConfig } from "./context";
import { type ControlledJob, mayControl } from "./queue-control-access";

/** Next 16 route context of /api/jobs/[id]/... */
export interface JobRouteContext {
  params: Promise<{ id: string }>;
}

export async function jobIdFrom(context: JobRouteContext): Promise<number> {
  return jobIdSchema.parse((await context.params).id);
}

/** Owner, info, script and the info keys: for admins, or for all when Display_details. */
export function canSeeDetails(viewer: Viewer): boolean {
  return viewer.isAdmin || getConfig().config.web.displayDetails;
}

/**
 * Files at the top of the job folder the viewer may not read: the info file (owner,
 * script, info) when Display_details is off and the viewer is not the admin.
 */
export function hiddenFilesFor(viewer: Viewer): string[] {
  return canSeeDetails(viewer) ? [] : [getConfig().config.jobFile];
}

/** What the viewer may do (with `job`, or with jobs in general), from QMserv.cfg and mayControl. */
export function permissionsOf(viewer: Viewer, job: ControlledJob | null = null): Permissions {
  const web = getConfig().config.web;
  const may = (action: Parameters<typeof mayControl>[2]) => mayControl(viewer, job, action);
  return {
    kill: may("kill") && web.licenceToKill,
    delete: may("delete") && web.deleteJobs,
    requeue: may("requeue"),
    hold: may("hold"),
    release: may("release"),
    pause: mayControl(viewer, null, "pause"),
  };
}
