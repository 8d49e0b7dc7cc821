/**
 * Read a job folder into the info structure the queue records, the same way for a
 * folder dropped into QM_qJobs, an upload and a resubmission: find what describes the
 * job (job-folder.ts), write the submit form's values into that file when there are any,
 * parse it, and make a single script runnable through its shebang.
 */
import fs from "node:fs";
import path from "node:path";
import { parseScriptJob } from "../core/job-directives";
import { limitFilePriority } from "../core/priority-limit";
import { type JobInfo, MAX_INFO_BYTES, infoFileOwner, parseJobInfo } from "../core/job-info";
import { decodeInfoFile, infoFileTextForUtf8 } from "../core/info-file-text";
import { type InfoOverrides, applyDirectiveOverrides, applyInfoOverrides } from "../core/job-info-overrides";
import { type JobDescription, type JobFolderOptions, WELL_KNOWN_INFO_FILES, findJobDescription } from "./job-folder";
import { ENTRY_FLAGS } from "./open-beneath";
import { scriptFileNotes } from "./script-file-notes";

export interface FolderJob {
  info: JobInfo;
  description: JobDescription;
}

export function readJobFolder(dir: string, opts: JobFolderOptions, overrides?: InfoOverrides): FolderJob {
  const description = findJobDescription(dir, opts);
  const file = path.join(dir, description.file);
  const original = readNotFollowing(file);
  const apply = description.kind === "info" ? applyInfoOverrides : applyDirectiveOverrides;
  const text = overrides ? apply(description.file, original, overrides) : original;
  const info = description.kind === "info" ? parseJobInfo(description.file, text) : scriptJob(dir, description.file, text);
  if (text !== original) fs.writeFileSync(file, infoFileTextForUtf8(description.file, text));
  // What would make the script fail without saying why (Windows line endings, ./run.sh not executable).
  const hints = scriptFileNotes(dir, info.script);
  return { info, description: hints.length ? { ...description, notes: [...description.notes, ...hints] } : description };
}

/**
 * The job file was found a plain file (job-folder.ts, lstat); its owner may have swapped it
 * for a symlink since, and the worker reads as root: opened with O_NOFOLLOW, a link fails
 * (ELOOP) instead of leading to a file of root's. One larger than `maxBytes` is refused unread.
 */
function readNotFollowing(file: string, maxBytes = Infinity): string {
  const fd = fs.openSync(file, ENTRY_FLAGS);
  try {
    const st = fs.fstatSync(fd);
    if (!st.isFile()) throw Object.assign(new Error(`${file} is not a plain file`), { code: "EINVAL" });
    if (st.size > maxBytes) throw Object.assign(new Error(`${file} is larger than ${maxBytes} bytes`), { code: "EFBIG" });
    return decodeInfoFile(file, fs.readFileSync(fd));
  } finally {
    fs.closeSync(fd);
  }
}

/**
 * Who a folder that cannot run belongs to, from its info file (job_file, else a well-known
 * one) read leniently (lib/core/job-info.ts infoFileOwner): nulls when none can be read.
 * Never through a symlink, nor a file larger than an info file may be (the worker is root).
 */
export function ownerOfRejectedFolder(dir: string, jobFile: string): { owner: string | null; info: string | null } {
  for (const name of new Set([jobFile, ...WELL_KNOWN_INFO_FILES])) {
    try {
      const found = infoFileOwner(name, readNotFollowing(path.join(dir, name), MAX_INFO_BYTES));
      if (found) return found;
    } catch {
      // Not there, not a plain file, or too large: the next one.
    }
  }
  return { owner: null, info: null };
}

/** A single-script job: executable when it has a shebang, so `./run.py` runs through it. */
function scriptJob(dir: string, file: string, text: string): JobInfo {
  const { shebang, ...info } = parseScriptJob(file, text)!;
  if (!shebang) return info;
  const full = path.join(dir, file);
  try {
    // Through the file opened, never a symlink swapped in since it was found (the worker is root).
    const fd = fs.openSync(full, ENTRY_FLAGS);
    try {
      const mode = fs.fstatSync(fd).mode & 0o7777;
      // Execute wherever read is allowed: u+x at least, as `chmod +x` would.
      fs.fchmodSync(fd, mode | ((mode & 0o444) >> 2) | 0o100);
    } finally {
      fs.closeSync(fd);
    }
    return info;
  } catch {
    // Not ours to chmod (a folder dropped by someone else): run the interpreter the
    // shebang names on the file, as the kernel would.
    return { ...info, script: `${shebang.slice(2).trim()} ${info.script}` };
  }
}

/**
 * The Job row columns that come from the folder's description. `priorityLimit`: the highest
 * priority whoever queues it may give (lib/core/priority-limit.ts; null: no limit).
 */
export function jobColumns({ info, description }: FolderJob, priorityLimit: number | null) {
  // Above what the person queueing it may give (Max_User_Priority): lowered, and the job says so.
  const { priority, note } = limitFilePriority(info.priority, priorityLimit);
  const notes = note ? [...description.notes, note] : description.notes;
  return {
    owner: info.owner ?? null,
    info: info.info ?? null,
    script: info.script,
    nbProc: info.nbProc,
    nbGpu: info.nbGpu,
    priority,
    params: JSON.stringify(info.params),
    memMb: info.memMb ?? null,
    walltimeSeconds: info.walltimeSeconds ?? null,
    notes: notes.length ? JSON.stringify(notes) : null,
  };
}
