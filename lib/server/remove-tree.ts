/**
 * Remove a job folder and everything in it without ever following a symlink, even one
 * swapped in while it runs. A folder that was never run (refused, cancelled) is still its
 * dropper's, who may have a shell inside it after it moved: `fs.rm` looks at each entry by
 * path, so a folder swapped for a symlink between its look and its listing would have the
 * service (root, for the worker's retention pass) delete what the link points to. Here each
 * folder is opened with O_NOFOLLOW and emptied through its descriptor (/proc/self/fd/N/name,
 * as open-beneath.ts does for reads); a name swapped meanwhile is unlinked as a name, never
 * entered. A large folder does not hold the web server's event loop (a turn every 2,000 entries).
 */
import fs from "node:fs";
import { DIR_FLAGS, beneath } from "./open-beneath";
import { walkTree } from "./tree-walk";

const codeOf = (error: unknown) => (error as NodeJS.ErrnoException).code;
const gone = (error: unknown) => {
  if (codeOf(error) !== "ENOENT") throw error;
};

/**
 * Remove `dir` and its content; nothing when it is not there. A symlink or a file named `dir`
 * is removed itself. Names are listed as bytes: an entry whose name is not UTF-8 goes too.
 * A tree of any depth (tree-walk.ts keeps a bounded number of folders open).
 */
export async function removeTree(dir: string | Buffer): Promise<void> {
  let top: number;
  try {
    top = fs.openSync(dir, DIR_FLAGS);
  } catch (error) {
    // Not a folder (a file, a symlink, a FIFO...): the name goes, whatever it points to stays.
    if (codeOf(error) === "ENOTDIR" || codeOf(error) === "ELOOP") return fs.promises.unlink(dir).catch(gone);
    return gone(error);
  }
  try {
    await walkTree(top, {
      flags: DIR_FLAGS,
      // A folder: emptied first, then removed as it is left.
      entry: () => true,
      unopened: (parent, name) => unlinkGone(beneath(parent, name)),
      left: (parent, name) => rmdirGone(beneath(parent, name)),
    });
  } finally {
    fs.closeSync(top);
  }
  await fs.promises.rmdir(dir).catch(gone);
}

const unlinkGone = (entry: Buffer) => {
  try {
    fs.unlinkSync(entry);
  } catch (error) {
    gone(error);
  }
};

const rmdirGone = (entry: Buffer) => {
  try {
    fs.rmdirSync(entry);
  } catch (error) {
    gone(error);
  }
};
