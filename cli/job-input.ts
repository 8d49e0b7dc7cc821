/**
 * What `qm submit PATH` sends: a job folder (zipped here), a zip made beforehand, or a
 * lone script. A script with `#QM` lines is sent as it is (the server reads its
 * directives, docs/jobs.md); any other script becomes a job of its own with an info file
 * saying to run it. `qm submit --wrap CMD` makes a job of a command line, as sbatch does.
 */
import fs from "node:fs";
import path from "node:path";
import { escapeInterpolation } from "../lib/core/config-parser";
import { fsPathOf, shownPath } from "../lib/core/name-bytes";
import { CliError, EXIT } from "./errors";
import { readOrSay, zipFiles, zipFolder } from "./zip-folder";

export interface JobUpload {
  /** The file name sent (names the job when the zip has no top folder). */
  fileName: string;
  zip: Buffer;
  /** Things the user should know (files left out). */
  notes: string[];
  /** A folder of the user's, zipped here: the server's words about "the zip" are not theirs. */
  zippedFolder?: boolean;
}

/**
 * The server's message about an upload, in the words of what the user gave: for a folder
 * qm zipped itself, `The folder "fit" in the zip has no proc_config.cfg` names a zip the
 * user never made, so it reads `The folder "fit" has no proc_config.cfg`.
 */
export function inUsersWords(upload: JobUpload, message: string): string {
  return upload.zippedFolder ? message.replace(/^The folder (".*?") in the zip\b/, "The folder $1") : message;
}

/** The command that runs a lone script, from its extension or its `#!` line. */
export function commandFor(fileName: string, content: Buffer, executable: boolean): string {
  const quoted = /^[\w.+-]+$/.test(fileName) ? fileName : `'${fileName.replace(/'/g, "'\\''")}'`;
  if (content.subarray(0, 2).toString() === "#!" && executable) return `./${quoted}`;
  if (/\.py$/i.test(fileName)) return `python3 ${quoted}`;
  return `sh ${quoted}`;
}

/** The info file for a lone script, in the server's job_file format (.cfg or .xml). */
export function infoFileFor(jobFile: string, command: string): string {
  if (jobFile.toLowerCase().endsWith(".xml")) {
    const value = command.replace(/&/g, "&amp;").replace(/"/g, "&quot;").replace(/</g, "&lt;");
    return `<PARAMETER>\n    <script value="${value}"/>\n</PARAMETER>\n`;
  }
  // The server reads .cfg values with Python's interpolation (docs/config-format.md).
  return `[QMOptions]\nscript : ${escapeInterpolation(command)}\n`;
}

/**
 * Does the script's leading comment block (after an optional #! line) hold a `#QM`
 * directive? The server's own reading is lib/core/job-directives.ts; this is only the
 * choice of how to send the file, kept here so the command stays small.
 */
export function hasDirectives(content: Buffer): boolean {
  const lines = content.subarray(0, 64 * 1024).toString("utf8").replace(/^\uFEFF/, "").split(/\r?\n/);
  for (const [i, line] of lines.entries()) {
    if (i === 0 && line.startsWith("#!")) continue;
    if (/^#QM([ \t]|$)/.test(line)) return true;
    if (line.trim() !== "" && !line.startsWith("#")) return false;
  }
  return false;
}

/**
 * `jobFile` is asked of the server only when a lone script needs an info file. `file` is
 * the path's text (lib/core/name-bytes.ts): a name that is not UTF-8, given on the command
 * line as its bytes (cli/argument-bytes.ts), is reached by those bytes and sent by its
 * Latin-1 reading, as the names inside a folder are.
 */
export async function readJobInput(file: string, jobFile: () => Promise<string>): Promise<JobUpload> {
  const onDisk = fsPathOf(file);
  const stat = readOrSay(file, () => fs.statSync(onDisk, { throwIfNoEntry: false }), false);
  if (!stat) throw new CliError(EXIT.USAGE, "no such file or folder"); // qm submit puts the path before it
  const raw = path.basename(path.resolve(file));
  const base = shownPath(raw);
  // /dev/null zipped as nothing, a named pipe read for ever: neither is a job.
  if (!stat.isDirectory() && !stat.isFile()) {
    const kind = stat.isFIFO() ? "a named pipe" : stat.isCharacterDevice() || stat.isBlockDevice() ? "a device" : stat.isSocket() ? "a socket" : "not a plain file";
    throw new CliError(EXIT.USAGE, `${kind}, not a job: give a job folder, a .zip or a script`);
  }
  if (stat.isDirectory()) {
    const { zip, skipped, renamed } = zipFolder(onDisk, base);
    // The folder itself first when its own name was not UTF-8.
    const notUtf8 = raw === base ? renamed : [`${base}/`, ...renamed];
    const notes = [
      ...skipped.map((s) => `${s} left out (not a plain file or folder)`),
      ...notUtf8.map((r) => `${r} sent under this name: its name on this machine is not UTF-8 (read as Latin-1)`),
    ];
    return { fileName: `${base}.zip`, zip, notes, zippedFolder: true };
  }
  const content = readOrSay(base, () => fs.readFileSync(onDisk), false);
  if (/\.zip$/i.test(base) || hasDirectives(content)) return { fileName: base, zip: content, notes: [] };
  const info = infoFileFor(await jobFile(), commandFor(base, content, (stat.mode & 0o111) !== 0));
  const name = base.replace(/\.[^.]+$/, "") || base;
  const zip = zipFiles(name, [
    { name: await jobFile(), data: Buffer.from(info), mode: 0o100644 },
    { name: base, data: content, mode: stat.mode },
  ]);
  return { fileName: `${name}.zip`, zip, notes: [] };
}

/** Job names qm makes itself (--name): what a folder name may be anywhere. */
const JOB_NAME = /^[A-Za-z0-9][A-Za-z0-9._+-]{0,63}$/;

/** Throws the usage error of a --wrap command or --name that cannot make a job. */
export function checkWrap(command: string, name = "wrap"): void {
  if (!command.trim()) throw new CliError(EXIT.USAGE, "--wrap needs a command, such as --wrap 'python3 /data/fit.py 3'");
  if (!JOB_NAME.test(name)) throw new CliError(EXIT.USAGE, `--name takes letters, digits, '.', '_', '+' and '-' (64 at most, starting with a letter or digit), not "${name}"`);
}

/**
 * `qm submit --wrap CMD`: a job folder named `name` holding CMD as wrap.sh (with a #!/bin/sh
 * line), run with sh in the job's own folder, as `sbatch --wrap` runs its command.
 */
export function wrapInput(command: string, jobFile: string, name = "wrap"): JobUpload {
  checkWrap(command, name);
  const script = `#!/bin/sh\n${command.replace(/\s+$/, "")}\n`;
  const zip = zipFiles(name, [
    { name: jobFile, data: Buffer.from(infoFileFor(jobFile, "sh wrap.sh")), mode: 0o100644 },
    { name: "wrap.sh", data: Buffer.from(script), mode: 0o100755 },
  ]);
  return { fileName: `${name}.zip`, zip, notes: [] };
}
