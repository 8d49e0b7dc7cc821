/**
 * Job folders whose names are not UTF-8. QM 0.4 ran on Python 2, where a name was bytes, so a
 * lab's QM_FOLDER may hold "donn\xe9es" in Latin-1 from an older system, and a copy from such
 * a system still makes one. Node reads that name with U+FFFD in place of the bytes and can
 * reach nothing by it: the folder would sit in QM_qJobs, never taken in and never refused,
 * or stop a history import. Such a folder is renamed to the same bytes read as Latin-1
 * (every byte sequence is valid Latin-1, and it is what these names were): "données".
 * Only once nothing in it changed for `settledMs`: renaming a folder while a copy is still
 * writing into it would break the copy.
 */
import fs from "node:fs";
import path from "node:path";
import { isUtf8Bytes } from "../core/name-bytes";
import { childPath } from "./open-beneath";
import { lastChangeMs } from "./tree-change";

/** A name that is not UTF-8 as logs show it: its bytes beyond ASCII as \xNN. */
export function escapedName(name: Buffer): string {
  return [...name].map((b) => (b >= 0x20 && b < 0x7f ? String.fromCharCode(b) : `\\x${b.toString(16).padStart(2, "0")}`)).join("");
}

export interface RenamedFolder {
  /** The old name, escaped (escapedName). */
  from: string;
  to: string;
}

/**
 * Rename the entries of `dir` whose names are not UTF-8 to their Latin-1 reading ("-2", "-3"...
 * added when that name is taken), each once its tree has not changed for `settledMs`
 * (lastChangeMs: the newest change time in it). Returns what was renamed, the (escaped)
 * names of those still changing, to be looked at again, and those that could not be renamed.
 */
export async function renameUndecodableEntries(dir: string, settledMs: number, nowMs = Date.now()): Promise<{ renamed: RenamedFolder[]; unsettled: string[]; failed: Array<{ name: string; why: string }> }> {
  const renamed: RenamedFolder[] = [];
  const unsettled: string[] = [];
  const failed: Array<{ name: string; why: string }> = [];
  for (const name of fs.readdirSync(dir, { encoding: "buffer" })) {
    // Hidden names are nobody's job (a copy tool's temporary file, QueueManager's own): left alone.
    if (isUtf8Bytes(name) || name[0] === 0x2e) continue;
    const from = childPath(dir, name);
    try {
      if (nowMs - (await lastChangeMs(from)) < settledMs) {
        unsettled.push(escapedName(name));
        continue;
      }
    } catch {
      continue; // gone meanwhile
    }
    const readable = name.toString("latin1");
    let to = readable;
    for (let n = 2; fs.existsSync(path.join(dir, to)); n++) to = `${readable}-${n}`;
    try {
      fs.renameSync(from, path.join(dir, to));
      renamed.push({ from: escapedName(name), to });
    } catch (error) {
      // Gone meanwhile: nothing to do. Else (no right to rename it...) it is said.
      if ((error as NodeJS.ErrnoException).code !== "ENOENT") failed.push({ name: escapedName(name), why: (error as Error).message });
    }
  }
  return { renamed, unsettled, failed };
}
