/**
 * Who may put a job ahead of others: `Max_User_Priority` ([QMServer]) is the highest
 * priority a job may have unless an administrator gives it. A priority asked for above it
 * by anyone else is refused when it was typed (the submit form, `qm submit -p`, `qm update
 * -p`, the API), and lowered to it, with a note, when it was written in a job's own file
 * (an info file or #QM line: a zip, a folder dropped into QM_qJobs, whose job still runs).
 * The default, 1000, limits nobody (as QM 0.4).
 */

/** The highest priority `admin` (or not) may ask for; null: no limit. */
export function priorityLimit(maxUserPriority: number, admin: boolean): number | null {
  return admin ? null : maxUserPriority;
}

/** Why a typed priority is refused, or null when it is allowed. */
export function priorityRefusal(priority: number, limit: number | null): string | null {
  if (limit === null || priority <= limit) return null;
  return `priority ${priority} is above ${limit}, the highest a job may have unless an administrator gives it (Max_User_Priority): ask for ${limit} or less, or ask an administrator to raise it`;
}

/** A job file's priority as it will run: lowered to the limit, with the note that says so. */
export function limitFilePriority(priority: number, limit: number | null): { priority: number; note: string | null } {
  if (limit === null || priority <= limit) return { priority, note: null };
  return { priority: limit, note: `priority ${priority} lowered to ${limit}: only an administrator may give a job more (Max_User_Priority)` };
}
