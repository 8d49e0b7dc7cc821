/**
 * Where Archive_Folder may not be. The retention pass moves whole job folders there as root
 * (lib/server/retention/apply-retention.ts): into a system folder they would sit among the
 * system's files (and a folder named like one of them, `passwd` in /etc, would be read by
 * the system), beside the service's own data they would mix with the database and its
 * backups, and around QM_FOLDER they would be taken for jobs again or counted against the
 * ceiling that moved them. Checked on the path as written (readOpsKeys resolves it against
 * QMserv.cfg's folder), then, where the filesystem is at hand, on where its links really lead
 * (/srv/archive -> /etc is /etc) and on who could change that after the check: a folder on
 * the way that another account may write in (/home/alice/archive) lets it swap a link.
 */
/** `child` is `parent` or inside it (both absolute and resolved). */
export function isInsideFolder(child: string, parent: string): boolean {
  const base = parent.endsWith("/") ? parent : `${parent}/`;
  return child === parent || child.startsWith(base);
}

/** A folder the service keeps its own data in, named as the administrator set it. */
export interface ServiceFolder {
  path: string;
  /** How the administrator knows it: "the database's folder (DATABASE_URL)". */
  name: string;
}

/** What the filesystem says about the places to compare with: given by lib/server, none in pure checks. */
export interface ArchivePlaces {
  /** Where the service keeps its own data. */
  serviceFolders?: ServiceFolder[];
  /** The path with every symbolic link resolved (a part that does not exist yet kept as written). */
  realPath?: (p: string) => string;
  /** Who besides the service could change where the path leads, in words, or null (lib/server/real-path.ts). */
  openTo?: (p: string) => string | null;
}

/** The system's own folders: neither they nor anything in them. */
const SYSTEM_TREES = ["/etc", "/usr", "/bin", "/sbin", "/lib", "/lib32", "/lib64", "/libx32", "/boot", "/dev", "/proc", "/sys", "/run"];
/** Folders shared by everything below them: a folder of their own inside is fine, they themselves are not. */
const SHARED_TOPS = ["/home", "/root", "/var", "/var/lib", "/tmp", "/var/tmp", "/srv", "/opt", "/mnt", "/media"];

const FIX = "choose a folder of its own for the archive, such as /srv/qm-archive or a folder on another disk";
const TRUSTED_FIX = "make each folder on the way root's and writable by root alone (chown root:root, chmod go-w), or choose one that is, such as /srv/qm-archive";

/** What is wrong with `archive` as Archive_Folder (an absolute path), or null; by its real path too when `places.realPath` is given. */
export function archiveFolderProblem(archive: string, qmFolder: string, places: ArchivePlaces = {}): string | null {
  const { serviceFolders = [], realPath, openTo } = places;
  const written = problemAt(archive, qmFolder, serviceFolders, `Archive_Folder (${archive})`);
  if (written || !realPath) return written;
  const real = realPath(archive);
  const shown = real === archive ? `Archive_Folder (${archive})` : `Archive_Folder (${archive}, a symbolic link to ${real})`;
  const atReal = problemAt(real, realPath(qmFolder), serviceFolders.map((folder) => ({ ...folder, path: realPath(folder.path) })), shown);
  if (atReal) return atReal;
  // Root moves folders there: an account that may change the way could send them into /etc after this check.
  const open = openTo?.(archive);
  return open ? `${shown} could be pointed elsewhere by another account: ${open}; ${TRUSTED_FIX}` : null;
}

/** The rules, on one set of paths; `given` names the archive as the message shows it. */
function problemAt(archive: string, qmFolder: string, serviceFolders: ServiceFolder[], given: string): string | null {
  const system = systemProblem(archive, given, FIX);
  if (system) return system;
  if (isInsideFolder(archive, qmFolder)) return `${given} must be outside QM_FOLDER (${qmFolder}); ${FIX}`;
  if (isInsideFolder(qmFolder, archive)) return `${given} holds QM_FOLDER (${qmFolder}); ${FIX}`;
  return serviceProblem(archive, serviceFolders, given, FIX) ?? sharedTopProblem(archive, given, "qm-archive");
}

/** The whole filesystem, or a system folder or inside one. */
function systemProblem(folder: string, given: string, fix: string): string | null {
  if (folder === "/") return `${given} is the whole filesystem; ${fix}`;
  const system = SYSTEM_TREES.find((top) => isInsideFolder(folder, top));
  return system ? `${given} is ${folder === system ? "" : "inside "}${system}, a folder of the system's own; ${fix}` : null;
}

/** A folder of the service's own data, or one holding it. */
function serviceProblem(folder: string, serviceFolders: ServiceFolder[], given: string, fix: string): string | null {
  const held = serviceFolders.find((service) => isInsideFolder(service.path, folder));
  return held ? `${given} ${folder === held.path ? "is" : "holds"} ${held.name} (${held.path}); ${fix}` : null;
}

function sharedTopProblem(folder: string, given: string, example: string): string | null {
  return SHARED_TOPS.includes(folder) ? `${given} is ${folder} itself, shared with everything else there; choose a folder of its own inside it, such as ${folder}/${example}` : null;
}

const QM_FIX = "choose a folder of its own for the queue, such as /srv/qm";

/**
 * What is wrong with a new QM_FOLDER (as written, and resolved), or null: the rules
 * Archive_Folder follows (not the whole filesystem, a system folder or a shared top such as
 * /home itself, not the service's data, database or QMserv.cfg folder nor one holding them:
 * jobs reach QM_FOLDER), an absolute path, and not inside the QM_FOLDER in force (`current`),
 * whose queues would hold the new ones. A QM_FOLDER inside QM_DATA (the default data/QM) is fine.
 */
export function qmFolderProblem(written: string, qmFolder: string, current: string, places: ArchivePlaces = {}): string | null {
  if (!written.startsWith("/")) return `QM_FOLDER (${written}) must be an absolute path, such as /srv/qm (a relative one depends on where QMserv.cfg is)`;
  const { serviceFolders = [], realPath = (p: string) => p } = places;
  for (const [folder, shown] of [[qmFolder, `QM_FOLDER (${qmFolder})`], [realPath(qmFolder), `QM_FOLDER (${qmFolder}, a symbolic link to ${realPath(qmFolder)})`]]) {
    const services = serviceFolders.map((service) => ({ ...service, path: folder === qmFolder ? service.path : realPath(service.path) }));
    const problem = systemProblem(folder, shown, QM_FIX) ?? serviceProblem(folder, services, shown, QM_FIX) ?? sharedTopProblem(folder, shown, "qm");
    if (problem) return problem;
  }
  if (qmFolder !== current && isInsideFolder(qmFolder, current)) return `QM_FOLDER (${qmFolder}) is inside the QM_FOLDER in force (${current}), whose queues would hold it; ${QM_FIX}`;
  return null;
}
