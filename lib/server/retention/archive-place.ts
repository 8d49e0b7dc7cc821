/**
 * Archive_Folder as a retention pass finds it. It was checked when QMserv.cfg was read, but
 * a pass may come a day later, and root then moves whole folders into it: the same check
 * runs again on the filesystem as it is now (where its links lead, who could change them),
 * and the pass moves folders to the path it resolved, not through the links again.
 */
import { archiveFolderProblem } from "../../core/archive-folder-check";
import { archivePlaces } from "../config-file";
import { realPathOf } from "../real-path";

export type ArchivePlace = { dir: string; problem: null } | { dir: null; problem: string };

export function archivePlaceNow(archive: string, qmFolder: string, configPath: string): ArchivePlace {
  const problem = archiveFolderProblem(archive, qmFolder, archivePlaces(configPath));
  return problem ? { dir: null, problem } : { dir: realPathOf(archive), problem: null };
}
