/**
 * Files a job keeps to itself (docs/web-auth.md, "Private files"). An entry of a job folder
 * that "others" may not read on the server (`chmod 600 secret.txt`, a umask of 077) is
 * private, and so is everything under a folder they may not read or enter: the web serves
 * it only to the job's owner and the administrator (isOwnerOrAdmin, job-permissions.ts), as
 * the machine itself would. Others see its name and size, never its bytes. The job folder
 * itself is not judged: it is 0750 while the job runs and 0755 once it has ended
 * (worker/local/job-folder-owner.ts), whatever the job wants.
 */
import { shownPath } from "./name-bytes";

/** Read (o+r), and for a folder enter (o+x), as a user who is neither the owner nor in the group. */
const OTHERS_READ = 0o004;
const OTHERS_ENTER = 0o001;

/** Whether an entry of this mode is kept from others. */
export function isPrivateMode(mode: number, isFolder: boolean): boolean {
  const open = isFolder ? OTHERS_READ | OTHERS_ENTER : OTHERS_READ;
  return (mode & open) !== open;
}

/** What makes an entry private: its own mode (`folder` null), or the mode of a folder on its way. */
export interface PrivateCause {
  /** Path from the job folder of the private folder the entry lies in; null: the entry itself. */
  folder: string | null;
  mode: number;
}

/** `0600` */
export const modeText = (mode: number) => (mode & 0o7777).toString(8).padStart(4, "0");

/**
 * Why a private entry is not served, as a phrase after its name, for zip notes and refusals:
 * `is private to the job's owner (mode 0600); ask them or an administrator`.
 */
export function privatePhrase(cause: PrivateCause): string {
  const where = cause.folder === null ? `mode ${modeText(cause.mode)}` : `it is in the folder "${shownPath(cause.folder)}", mode ${modeText(cause.mode)}`;
  return `is private to the job's owner (${where}); ask them or an administrator`;
}
