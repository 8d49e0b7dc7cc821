/**
 * Single-script jobs: `#QM key=value` (or `#QM key : value`) lines in the leading comment
 * block of a script say what an info file would, as `#SBATCH` lines do for Slurm.
 *
 * The block: an optional shebang on line 1, then every line that is blank or starts
 * with `#`, up to the first line that is neither. A directive starts the line with `#QM`
 * followed by a space or tab; `#QM` lines after the block are ignored, as Slurm does.
 * Keys are what an info file knows (nb_proc, e_mail, info, priority, walltime, mem, and
 * any other key, kept with the job), except `script`: the script is the file itself.
 */
import { AppError } from "./app-error";
import { type JobInfo, toJobInfo } from "./job-info";

/** The directive block of a script. */
export interface DirectiveBlock {
  /** The shebang line (`#!/usr/bin/env python3`), or null: run with /bin/sh. */
  shebang: string | null;
  /** Every key (lower-cased) -> its value. */
  params: Record<string, string>;
  /** Key -> line number (1-based), for messages. */
  lineOf: Record<string, number>;
  /** Index (0-based) of the last directive line, and of the last line of the block. */
  lastDirective: number;
  blockEnd: number;
}

const DIRECTIVE = /^#QM(?:[ \t]+(.*))?$/;
const KEY = /^[A-Za-z_][\w.-]*$/;

/** The lines of a script's text (no trailing empty line for a final newline). */
export function scriptLines(text: string): string[] {
  const lines = text.replace(/^\uFEFF/, "").split(/\r?\n/);
  if (lines.length && lines[lines.length - 1] === "") lines.pop();
  return lines;
}

/**
 * The #QM directives of a script, or null when its leading comment block has none.
 * Throws INVALID_INPUT naming the line and saying what to write for a malformed one.
 */
export function readDirectives(fileName: string, text: string): DirectiveBlock | null {
  const lines = scriptLines(text);
  const shebang = lines[0]?.startsWith("#!") ? lines[0].trim() : null;
  const block: DirectiveBlock = { shebang, params: {}, lineOf: {}, lastDirective: -1, blockEnd: shebang ? 0 : -1 };
  for (let i = shebang ? 1 : 0; i < lines.length; i++) {
    const line = lines[i];
    const trimmed = line.trim();
    if (trimmed !== "" && !trimmed.startsWith("#")) break;
    block.blockEnd = i;
    const m = DIRECTIVE.exec(line.trimEnd());
    if (!m) continue;
    const [key, value] = splitDirective(fileName, i + 1, m[1] ?? "");
    if (block.lineOf[key] !== undefined) {
      throw new AppError("INVALID_INPUT", `${fileName} line ${i + 1}: ${key} is already given on line ${block.lineOf[key]}; keep one "#QM ${key}=..." line`);
    }
    block.params[key] = value;
    block.lineOf[key] = i + 1;
    block.lastDirective = i;
  }
  return block.lastDirective < 0 ? null : block;
}

function splitDirective(fileName: string, lineNo: number, body: string): [string, string] {
  const where = `${fileName} line ${lineNo}`;
  const example = `write it as "#QM nb_proc=4" or "#QM nb_proc : 4"`;
  const sep = body.search(/[=:]/);
  if (body.trim() === "") throw new AppError("INVALID_INPUT", `${where}: "#QM" has no key and value; ${example}, or remove the line`);
  if (sep < 0) throw new AppError("INVALID_INPUT", `${where}: "#QM ${body.trim()}" has no "=" or ":"; ${example}`);
  const key = body.slice(0, sep).trim().toLowerCase();
  const value = unquote(body.slice(sep + 1).trim());
  if (!KEY.test(key)) throw new AppError("INVALID_INPUT", `${where}: "${body.slice(0, sep).trim()}" is not a key (letters, digits and _ . -); ${example}`);
  if (value === "") throw new AppError("INVALID_INPUT", `${where}: ${key} has no value; write "#QM ${key}=<value>" or remove the line`);
  if (key === "script") {
    throw new AppError("INVALID_INPUT", `${where}: a script cannot name another script; QueueManager runs this file itself, so remove "#QM script"`);
  }
  return [key, value];
}

/** `"a b"` or `'a b'` -> `a b`: a value may be quoted, as in a shell. */
function unquote(value: string): string {
  const m = /^(["'])(.*)\1$/.exec(value);
  return m ? m[2] : value;
}

/** A file name as one word for /bin/sh -c: `'my run.sh'`, quotes escaped. */
export function shellQuote(word: string): string {
  return /^[\w./+-]+$/.test(word) ? word : `'${word.replace(/'/g, `'\\''`)}'`;
}

/** Names that make a file a script without a shebang: shell, and Python (as `qm submit` runs a lone .py). */
export const SCRIPT_NAME = /\.(sh|py)$/;

/**
 * The command that runs a script from inside its job folder: through its shebang
 * (`./run.py`, the file being executable) or, without one, `python3 ./fit.py` for a .py
 * and `/bin/sh ./run.sh` for the rest.
 */
export function scriptCommand(fileName: string, shebang: string | null): string {
  const self = shellQuote(`./${fileName}`);
  if (shebang) return self;
  return fileName.endsWith(".py") ? `python3 ${self}` : `/bin/sh ${self}`;
}

/** A single-script job's info, or null when the script has no #QM directive. */
export function parseScriptJob(fileName: string, text: string): (JobInfo & { shebang: string | null }) | null {
  const block = readDirectives(fileName, text);
  if (!block) return null;
  const where = (key: string) => (block.lineOf[key] ? `${fileName} line ${block.lineOf[key]}` : fileName);
  return { ...toJobInfo(block.params, scriptCommand(fileName, block.shebang), where), shebang: block.shebang };
}
