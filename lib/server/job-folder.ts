/**
 * What a job folder says about its job, for the worker's intake, uploads and requeues
 * alike. The rule (docs/jobs.md):
 * 1. `job_file` of QMserv.cfg, when the folder holds it;
 * 2. else (unless Strict_Job_File) the other well-known info file, `proc_config.cfg` or
 *    `infos.xml`, or the one `*.cfg` / `*.xml` at the top of the folder that has an info
 *    file's structure ([QMOptions] section, <PARAMETER> root);
 * 3. else (unless Strict_Job_File) the one script at the top of the folder whose leading
 *    comment block carries `#QM` directives.
 * An info file wins over directives; they are then ignored, with a note in process.log.
 */
import fs from "node:fs";
import path from "node:path";
import { AppError, isAppError } from "../core/app-error";
import { SCRIPT_NAME, parseScriptJob, readDirectives } from "../core/job-directives";
import { MAX_INFO_BYTES, isXmlInfoFile, looksLikeInfoFile } from "../core/job-info";
import { describingFileOf, otherInfoFileNote, scriptNote } from "../core/reading-notes";
import { ENTRY_FLAGS } from "./open-beneath";

export interface JobFolderOptions {
  /** `job_file` of QMserv.cfg: the preferred info file. */
  jobFile: string;
  /** Strict_Job_File: only `job_file` describes a job, as in the original QM. */
  strict: boolean;
  /** How messages name the folder, at the start of a sentence (default "The job folder"). */
  where?: string;
}

/** Where a folder's job is described: an info file, or a script's #QM block. */
export interface JobDescription {
  kind: "info" | "script";
  /** File name at the top of the job folder. */
  file: string;
  /** Lines for the process.log header (what was read instead of what). */
  notes: string[];
}

/**
 * A folder that does not describe a job. `message` is problem and hint in one sentence
 * (for an upload's answer); `problem` and `fix` are the two parts of qm-error.txt.
 */
export class JobFolderError extends AppError {
  constructor(
    readonly problem: string,
    hint: string,
    readonly fix: string[],
  ) {
    super("INVALID_INPUT", `${problem}; ${hint}`);
  }
}

/** The two info files QM has known (.cfg since 0.4, XML before), whatever job_file says. */
export const WELL_KNOWN_INFO_FILES = ["proc_config.cfg", "infos.xml"];
const WELL_KNOWN = WELL_KNOWN_INFO_FILES;
/** A script's leading comment block is read up to this size. */
const HEAD_BYTES = 64 * 1024;

export function findJobDescription(dir: string, opts: JobFolderOptions): JobDescription {
  const where = opts.where ?? "The job folder";
  const { jobFile } = opts;
  if (isFile(path.join(dir, jobFile))) return { kind: "info", file: jobFile, notes: opts.strict ? [] : ignoredDirectives(dir, jobFile) };
  const addInfo = `add ${jobFile} with ${isXmlInfoFile(jobFile) ? 'a <PARAMETER> element holding <script value="..."/>' : 'a [QMOptions] section and a "script = ..." line'}`;
  // There, but not a file to read: when nothing else describes the job, say what it is
  // rather than that it is missing.
  const notReadable = () => {
    const other = notAFile(path.join(dir, jobFile));
    if (!other) return;
    throw new JobFolderError(`${where}'s ${jobFile} is ${other}`, `make ${jobFile} a plain file with ${addInfo.slice(`add ${jobFile} with `.length)}`, [
      `${jobFile} is ${other}.`,
      ...exampleInfoFile(jobFile),
    ]);
  };
  if (opts.strict) {
    notReadable();
    throw new JobFolderError(`${where} has no ${jobFile}`, `${addInfo} (Strict_Job_File = True: no other info file and no #QM script is read)`, [
      ...exampleInfoFile(jobFile),
      "(Strict_Job_File = True in QMserv.cfg: no other info file and no #QM script is read.)",
    ]);
  }
  const info = otherInfoFile(dir, opts, where);
  if (info) return { kind: "info", file: info, notes: [otherInfoFileNote(jobFile, info), ...ignoredDirectives(dir, info)] };
  const scripts = directiveScripts(dir);
  if (scripts.length === 1) return { kind: "script", file: scripts[0], notes: [scriptNote(scripts[0])] };
  if (scripts.length > 1) {
    throw new JobFolderError(`${where} has no ${jobFile} and ${scripts.length} scripts with #QM lines (${scripts.join(", ")})`, `keep #QM lines in the script to run only, or ${addInfo}`, [
      "Keep #QM lines in one script only (the one to run), or add an info file that names the command:",
      ...exampleInfoFile(jobFile),
    ]);
  }
  const jobFolders = innerJobFolders(dir, jobFile);
  if (jobFolders.length > 1) {
    throw new JobFolderError(`${where} holds ${jobFolders.length} job folders (${jobFolders.join(", ")}), not one job`, "send each as a job of its own (a zip each, or qm submit with each folder)", [
      `The folders ${jobFolders.join(", ")} each look like a job: submit them one by one.`,
    ]);
  }
  notReadable();
  throw new JobFolderError(`${where} has no ${jobFile}, nor a script with #QM lines`, `${addInfo}, or put #QM lines at the top of the job's script`, [
    ...exampleInfoFile(jobFile),
    "or make the job a single script whose first lines say what it needs:",
    "  #!/bin/sh",
    "  #QM nb_proc=2",
    "  #QM e_mail=you@lab.org",
  ]);
}

/** What the entry at `file` is when it is there but not a regular file ("a folder"), else null. */
function notAFile(file: string): string | null {
  let st: fs.Stats;
  try {
    st = fs.lstatSync(file);
  } catch {
    return null;
  }
  if (st.isFile()) return null;
  if (st.isSymbolicLink()) return "a symbolic link, which QueueManager does not follow (it could lead outside the job folder)";
  return st.isDirectory() ? "a folder, not a file" : "not a plain file (a device, pipe or socket)";
}


/**
 * The file that described a job instead of job_file, from the notes its reading left
 * (Job.notes), or null: what the web hides with the job's details, besides job_file. Read
 * from the row rather than from the folder at each view, which would cost what the job
 * makes it cost (the heads of thousands of scripts).
 */
export function describingFileOfNotes(notes: string[]): string | null {
  for (const note of notes) {
    const file = describingFileOf(note);
    if (file !== null) return file;
  }
  return null;
}

function exampleInfoFile(jobFile: string): string[] {
  return [
    `Add a file named ${jobFile} (the job_file of QMserv.cfg) with at least:`,
    ...(isXmlInfoFile(jobFile) ? ["  <PARAMETER>", '    <script value="python process.py"/>', "  </PARAMETER>"] : ["  [QMOptions]", "  script = python process.py"]),
  ];
}

/** The other well-known info file, or the single *.cfg / *.xml shaped like an info file. */
function otherInfoFile(dir: string, { jobFile }: JobFolderOptions, where: string): string | null {
  // The well-known file of job_file's own kind first.
  const known = isXmlInfoFile(jobFile) ? [...WELL_KNOWN].reverse() : WELL_KNOWN;
  const named = known.find((name) => name !== jobFile && isFile(path.join(dir, name)));
  if (named) return named;
  const shaped = topFiles(dir).filter((name) => /\.(cfg|xml)$/i.test(name) && looksLikeInfoFile(name, headOrEmpty(path.join(dir, name), MAX_INFO_BYTES)));
  if (shaped.length > 1) {
    throw new JobFolderError(`${where} has no ${jobFile} and several files that look like info files (${shaped.join(", ")})`, `rename the one that describes the job to ${jobFile}`, [
      `Rename the one that describes the job to ${jobFile} (the job_file of QMserv.cfg).`,
    ]);
  }
  return shaped[0] ?? null;
}

/**
 * Scripts at the top of the folder with a #QM block: files ending in `.sh` or `.py`, or
 * starting with `#!`. Their directives are checked here, so a malformed one is reported.
 */
export function directiveScripts(dir: string): string[] {
  return topFiles(dir).filter((name) => {
    const file = path.join(dir, name);
    if (!SCRIPT_NAME.test(name) && headOrEmpty(file, 2) !== "#!") return false;
    const head = headOrEmpty(file, HEAD_BYTES);
    try {
      return readDirectives(name, head) !== null;
    } catch (error) {
      // Malformed lines: told with every value an info file would refuse too, in one message
      // (parseScriptJob's), so that one upload shows all there is to fix.
      if (isAppError(error)) parseScriptJob(name, head);
      throw error;
    }
  });
}

function ignoredDirectives(dir: string, infoFile: string): string[] {
  try {
    return directiveScripts(dir).map((name) => `${infoFile} is present, so the #QM lines in ${name} are ignored`);
  } catch (error) {
    // Malformed directives do not matter when the info file describes the job.
    return error instanceof AppError ? [`${infoFile} is present, so the #QM lines are ignored (${error.message})`] : [];
  }
}

/** Regular files (not links) at the top of `dir`, in name order. */
/** The folders just inside `dir` that hold an info file of their own (several jobs zipped together). */
function innerJobFolders(dir: string, jobFile: string): string[] {
  return fs
    .readdirSync(dir, { withFileTypes: true })
    .filter((e) => e.isDirectory() && [jobFile, ...WELL_KNOWN].some((name) => isFile(path.join(dir, e.name, name))))
    .map((e) => e.name)
    .sort();
}

function topFiles(dir: string): string[] {
  return fs
    .readdirSync(dir, { withFileTypes: true })
    .filter((e) => e.isFile())
    .map((e) => e.name)
    .sort();
}

function isFile(file: string): boolean {
  try {
    return fs.lstatSync(file).isFile();
  } catch {
    return false;
  }
}

/** readHead, or "" for a file that cannot be read (not a job file QueueManager could use). */
function headOrEmpty(file: string, bytes: number): string {
  try {
    return readHead(file, bytes);
  } catch {
    return "";
  }
}

/**
 * The first `bytes` of a file as text (what an info file or a script's head needs). Found a
 * plain file by its listing, it may have been swapped for a symlink since (the worker reads
 * dropped folders as root): never followed, nor a FIFO waited on.
 */
export function readHead(file: string, bytes: number): string {
  const fd = fs.openSync(file, ENTRY_FLAGS);
  try {
    const buffer = Buffer.alloc(bytes);
    const read = fs.readSync(fd, buffer, 0, bytes, 0);
    return buffer.subarray(0, read).toString("utf8");
  } finally {
    fs.closeSync(fd);
  }
}
