/**
 * Hints for process.log's header about the script a job's `script` line runs, for the two
 * mistakes whose failure says nothing of its cause: a shell script saved with Windows line
 * endings (CRLF: sh reads each line's \r as part of the command and fails with
 * "\r: not found" or "syntax error") and `./run.sh` not executable ("Permission denied").
 * Files at the top of the job folder only, named by one of the line's first words, opened
 * without following a symlink (the worker reads a dropped folder as root), their first 4 KB:
 * the first lines tell (the intake reads them for every job, data files named as arguments too).
 */
import fs from "node:fs";
import path from "node:path";
import { ENTRY_FLAGS } from "./open-beneath";

const HEAD_BYTES = 4096;
/** Words of the script line looked at: `sh run.sh`, `bash -e ./run.sh`, `./run.sh`. */
const FIRST_WORDS = 4;

/** The notes for `script` run in `dir` (none when nothing is wrong or nothing could be read). */
export function scriptFileNotes(dir: string, script: string): string[] {
  const notes: string[] = [];
  const words = script.trim().split(/\s+/).slice(0, FIRST_WORDS);
  words.forEach((word, i) => {
    const name = word.startsWith("./") ? word.slice(2) : word;
    if (!/^[\w@+-][\w.@+-]*$/.test(name)) return; // a file at the folder's top, named plainly
    const file = readHead(path.join(dir, name));
    if (!file) return;
    const shell = /\.(sh|bash|ksh|zsh)$/.test(name) || /^#!\s*\S*\b(sh|bash|ksh|zsh|dash)\b/.test(file.head);
    if (shell && file.head.includes("\r\n")) {
      notes.push(`${name} has Windows line endings (CRLF): the shell reads each line's \\r as part of its command ("\\r: not found"); convert it with dos2unix ${name} (or sed -i 's/\\r$//' ${name}) and requeue the job`);
    }
    if (i === 0 && word.startsWith("./") && (file.mode & 0o111) === 0) {
      notes.push(`${name} is not executable, so ${word} fails with "Permission denied": make it executable (chmod +x ${name}) or write script = sh ${name}`);
    }
  });
  return notes;
}

function readHead(file: string): { head: string; mode: number } | null {
  let fd: number;
  try {
    fd = fs.openSync(file, ENTRY_FLAGS);
  } catch {
    return null; // not there (a command on the PATH), a symlink or unreadable: nothing to say
  }
  try {
    const stat = fs.fstatSync(fd);
    if (!stat.isFile()) return null;
    const buffer = Buffer.alloc(Math.min(HEAD_BYTES, stat.size));
    const read = fs.readSync(fd, buffer, 0, buffer.length, 0);
    return { head: buffer.toString("latin1", 0, read), mode: stat.mode };
  } finally {
    fs.closeSync(fd);
  }
}
