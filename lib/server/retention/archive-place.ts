/**
 * Archive_Folder as the worker finds it when it moves folders there. Its place was checked
 * when QMserv.cfg was read, but a pass may come a day later and root then moves whole
 * folders into it: the check runs again on the filesystem as it is now, together with who
 * besides the worker could change where it leads. That part is judged for the account that
 * moves (root, or the worker's own), so not when the file is read: the web server reading
 * it may run as another account. The admin page's dry run asks it too, for the worker
 * (`trusted`: lib/server/real-path.ts), so that it warns before a pass (docs/worker.md).
 * The pass moves folders to the path resolved here, not through the links again.
 */
import { archiveFolderProblem } from "../../core/archive-folder-check";
import { archivePlaces } from "../config-file";
import { realPathOf, trustedUids, walkPath } from "../real-path";

export type ArchivePlace = { dir: string; problem: null } | { dir: null; problem: string };

export function archivePlaceNow(archive: string, qmFolder: string, configPath: string, trusted = trustedUids()): ArchivePlace {
  // One walk: the folder the pass uses is the one this check judged.
  const walk = walkPath(archive, trusted);
  const places = { ...archivePlaces(configPath), realPath: (p: string) => (p === archive ? walk.real : realPathOf(p)), openTo: () => walk.openTo };
  const problem = archiveFolderProblem(archive, qmFolder, places);
  return problem ? { dir: null, problem } : { dir: walk.real, problem: null };
}
