/**
 * Entries of a job folder that the job keeps from others (lib/core/private-files.ts), as
 * the file routes, listings, zips and the results strip judge them for one viewer
 * (JobFolderAccess.privateServed: the job's owner or the administrator). Modes are read as
 * they are now: from the descriptor a walk or an open holds, and for the folders on the way
 * by lstat along the real path. Only the job (and the service) can change those modes, so
 * a race with them is the job's own, never another person's way in.
 */
import fs from "node:fs";
import path from "node:path";
import { fsPathOf } from "../../core/name-bytes";
import { type PrivateCause, isPrivateMode, privatePhrase } from "../../core/private-files";
import type { JobFolderAccess } from "./job-folder";

/** The entry's own mode keeps it from others (null: it does not). */
export function ownPrivateCause(stat: fs.Stats): PrivateCause | null {
  return isPrivateMode(stat.mode, stat.isDirectory()) ? { folder: null, mode: stat.mode } : null;
}

/**
 * What keeps `rel` from others: a folder on its way from the job folder, or its own mode
 * (from `last`, its stat, when at hand). `rel` is the path of a real path, with no link on
 * the way. Null: nothing, or an entry that went away (the open that follows says so).
 */
export async function privateCauseOf(root: string, rel: string, last?: fs.Stats): Promise<PrivateCause | null> {
  const segments = rel.split("/").filter(Boolean);
  for (let i = 0; i < segments.length; i++) {
    const isLast = i === segments.length - 1;
    const stat = isLast && last ? last : await fs.promises.lstat(fsPathOf(path.join(root, ...segments.slice(0, i + 1)))).catch(() => null);
    if (!stat) return null;
    if (isLast) return ownPrivateCause(stat);
    if (stat.isDirectory() && isPrivateMode(stat.mode, true)) return { folder: segments.slice(0, i + 1).join("/"), mode: stat.mode };
  }
  return null;
}

/** Why this viewer may not have an entry kept from others by `cause` (a phrase after its name), or null. */
export function privateRefusal(access: JobFolderAccess, cause: PrivateCause | null): string | null {
  return cause && !access.privateServed ? privatePhrase(cause) : null;
}

/** privateRefusal of `rel` (see privateCauseOf), without a look at the disk for the owner and the administrator. */
export async function privateRefusalOf(access: JobFolderAccess, rel: string, last?: fs.Stats): Promise<string | null> {
  return access.privateServed ? null : privateRefusal(access, await privateCauseOf(access.root, rel, last));
}
