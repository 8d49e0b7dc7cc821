/** Shared steps of the /api/jobs/:id handlers. */
import { type OwnedJob, isOwner } from "../core/job-permissions";
import { z } from "zod";
import { describingFile } from "../server/job-folder";
import { jobIdSchema } from "../core/job-schemas";
import type { Viewer } from "./auth";
import { getConfig } from "./context";

/** Next 16 route context of /api/jobs/[id]/... */
export interface JobRouteContext {
  params: Promise<{ id: string }>;
}

export async function jobIdFrom(context: JobRouteContext): Promise<number> {
  return jobIdSchema.parse((await context.params).id);
}

/** The numeric `[id]` of another resource's route (a user, a token). */
export async function idFrom(context: JobRouteContext, what: string): Promise<number> {
  return z.coerce.number({ error: `the ${what} id must be a number` }).int().positive().parse((await context.params).id);
}

/**
 * Owner, info, script and the info keys: for the admin, for all when Display_details,
 * and (given a job) for the job's owner.
 */
export function canSeeDetails(viewer: Viewer, job?: OwnedJob): boolean {
  if (viewer.isAdmin || getConfig().config.web.displayDetails) return true;
  return !!(job && viewer.user && isOwner(viewer.user, job));
}

/**
 * Files at the top of the job folder the viewer may not read when Display_details is off
 * and the viewer is neither the admin nor the owner: job_file and, given the job folder's
 * real path `root`, whatever file describes the job there instead (infos.xml, another
 * info file, a #QM script: they hold owner, script and info just the same).
 */
export function hiddenFilesFor(viewer: Viewer, job?: OwnedJob, root?: string): string[] {
  if (canSeeDetails(viewer, job)) return [];
  const { jobFile, strictJobFile } = getConfig().config;
  const described = root ? describingFile(root, { jobFile, strict: strictJobFile }) : null;
  return described && described !== jobFile ? [jobFile, described] : [jobFile];
}
