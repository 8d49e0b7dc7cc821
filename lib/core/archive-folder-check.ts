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
  if (archive === "/") return `${given} is the whole filesystem; ${FIX}`;
  const system = SYSTEM_TREES.find((top) => isInsideFolder(archive, top));
  if (system) return `${given} is ${archive === system ? "" : "inside "}${system}, a folder of the system's own; ${FIX}`;
  if (isInsideFolder(archive, qmFolder)) return `${given} must be outside QM_FOLDER (${qmFolder}); ${FIX}`;
  if (isInsideFolder(qmFolder, archive)) return `${given} holds QM_FOLDER (${qmFolder}); ${FIX}`;
  for (const folder of serviceFolders) {
    if (isInsideFolder(folder.path, archive)) return `${given} ${archive === folder.path ? "is" : "holds"} ${folder.name} (${folder.path}); ${FIX}`;
  }
  if (SHARED_TOPS.includes(archive)) return `${given} is ${archive} itself, shared with everything else there; choose a folder of its own inside it, such as ${archive}/qm-archive`;
  return null;
}
