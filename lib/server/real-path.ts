/**
 * Where a configured path really leads, for checks of places (Archive_Folder): every
 * symbolic link on the way resolved, including a last one that points at nothing yet (the
 * retention pass's mkdir would make that target), and the parts that do not exist yet kept
 * as written. fs.realpathSync fails on a path that does not exist, and resolving only its
 * nearest existing parent would miss a dangling link: /srv/archive -> /etc/qm-archive.
 */
import fs from "node:fs";
import path from "node:path";

/** As the kernel allows (MAXSYMLINKS): past it a path is a loop. */
const MAX_LINKS = 40;

/** `absolute` with its links resolved; a path that cannot be read further (a loop, no permission) is kept from there as written. */
export function realPathOf(absolute: string): string {
  let links = 0;
  let resolved = "/";
  const parts = absolute.split("/").filter(Boolean);
  while (parts.length) {
    const part = parts.shift()!;
    if (part === ".") continue;
    if (part === "..") {
      resolved = path.dirname(resolved);
      continue;
    }
    const next = path.join(resolved, part);
    let target: string | null = null;
    try {
      if (fs.lstatSync(next).isSymbolicLink()) target = fs.readlinkSync(next);
    } catch {
      // Not there (yet), or not ours to look into: the rest stays as written.
      return path.join(next, ...parts);
    }
    if (target === null || ++links > MAX_LINKS) {
      resolved = next;
      continue;
    }
    // A relative target is read from the link's own folder.
    parts.unshift(...target.split("/").filter(Boolean));
    if (target.startsWith("/")) resolved = "/";
  }
  return resolved;
}
