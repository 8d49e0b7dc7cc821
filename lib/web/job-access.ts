/** Shared steps of the /api/jobs/:id handlers. */
import { type OwnedJob, isOwner, isOwnerOrAdmin } from "../core/job-permissions";
import { WELL_KNOWN_INFO_FILES, describingFileOfNotes } from "../server/job-folder";
import { jobIdSchema, recordIdSchema } from "../core/job-schemas";
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
  return recordIdSchema(what).parse((await context.params).id);
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
 * Files the job keeps from others (lib/core/private-files.ts: not readable by "others" on
 * the server): served to the job's owner and the administrator, who may act on it.
 */
export function canReadPrivateFiles(viewer: Viewer, job: OwnedJob): boolean {
  return isOwnerOrAdmin(viewer.user, job);
}

/**
 * Files at the top of the job folder the viewer may not read when Display_details is off
 * and the viewer is neither the admin nor the owner: job_file, both info files QM has known
 * (proc_config.cfg, infos.xml: a folder from before job_file changed, imported without a
 * note of it by an earlier version), and, when the job was read through another file
 * (another info file, a #QM script: its row's notes say which), that file, which holds
 * owner, script and info just the same.
 */
export function hiddenFilesFor(viewer: Viewer, job?: OwnedJob & { notes?: string | null }): string[] {
  if (canSeeDetails(viewer, job)) return [];
  const { jobFile } = getConfig().config;
  const described = describingFileOfNotes(notesOf(job?.notes));
  return [...new Set([jobFile, ...WELL_KNOWN_INFO_FILES, ...(described ? [described] : [])])];
}

function notesOf(text: string | null | undefined): string[] {
  try {
    const notes: unknown = text ? JSON.parse(text) : [];
    return Array.isArray(notes) ? notes.filter((n): n is string => typeof n === "string") : [];
  } catch {
    return [];
  }
}
