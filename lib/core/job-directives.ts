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
import { AppError, isAppError } from "./app-error";
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

/** A malformed line: where, and what to write instead. */
interface LineProblem {
  line: number;
  message: string;
}

/** One INVALID_INPUT naming every malformed line, in line order, so that one upload shows them all. */
function problemsError(problems: LineProblem[]): AppError {
  const sorted = [...problems].sort((a, b) => a.line - b.line);
  return new AppError("INVALID_INPUT", sorted.map((p) => p.message).join(";\n"));
}

/**
 * The #QM directives of a script, or null when its leading comment block has none.
 * Throws INVALID_INPUT naming each malformed line and saying what to write instead.
 */
export function readDirectives(fileName: string, text: string): DirectiveBlock | null {
  const block = readBlock(fileName, text);
  if (block.problems.length) throw problemsError(block.problems);
  return block.lastDirective < 0 ? null : block;
}

function readBlock(fileName: string, text: string): DirectiveBlock & { problems: LineProblem[] } {
  const lines = scriptLines(text);
  const shebang = lines[0]?.startsWith("#!") ? lines[0].trim() : null;
  const block: DirectiveBlock = { shebang, params: {}, lineOf: {}, lastDirective: -1, blockEnd: shebang ? 0 : -1 };
  const problems: LineProblem[] = [];
  for (let i = shebang ? 1 : 0; i < lines.length; i++) {
    const line = lines[i];
    const trimmed = line.trim();
    if (trimmed !== "" && !trimmed.startsWith("#")) break;
    block.blockEnd = i;
    const m = DIRECTIVE.exec(line.trimEnd());
    if (!m) continue;
    block.lastDirective = i;
    const where = `${fileName} line ${i + 1}`;
    const split = splitDirective(m[1] ?? "");
    if ("problem" in split) {
      problems.push({ line: i + 1, message: `${where}: ${split.problem}` });
      continue;
    }
    const [key, value] = split.directive;
    if (block.lineOf[key] !== undefined) {
      problems.push({ line: i + 1, message: `${where}: ${key} is already given on line ${block.lineOf[key]}; keep one "#QM ${key}=..." line` });
      continue;
    }
    block.params[key] = value;
    block.lineOf[key] = i + 1;
  }
  return { ...block, problems };
}

/** `#QM key=value` as the user would have written it, from their own words. */
const suggestion = (key: string, value: string) => `write it as "#QM ${key}=${value}" or "#QM ${key} : ${value}"`;

function splitDirective(body: string): { directive: [string, string] } | { problem: string } {
  const sep = body.search(/[=:]/);
  if (body.trim() === "") return { problem: `"#QM" has no key and value; write it as "#QM key=value" (e.g. "#QM nb_proc=4"), or remove the line` };
  if (sep < 0) {
    // "#QM nb_proc 2": the first word is the key, the rest its value.
    const [, word, rest] = /^\s*(\S+)\s*(.*)$/.exec(body)!;
    const fix = KEY.test(word) ? suggestion(word.toLowerCase(), rest.trim() || "<value>") : `write it as "#QM key=value"`;
    return { problem: `"#QM ${body.trim()}" has no "=" or ":"; ${fix}` };
  }
  const written = body.slice(0, sep).trim();
  // "#QM walltime 1:00:00": a key, a space, a value holding a ":".
  const [first, second] = written.split(/\s+/);
  if (second !== undefined && KEY.test(first) && /^[\d"'+-]/.test(second)) {
    return { problem: `"#QM ${body.trim()}" has no "=" or ":" after its key; ${suggestion(first.toLowerCase(), body.trim().slice(first.length).trim())}` };
  }
  const key = written.toLowerCase();
  const value = unquote(body.slice(sep + 1).trim());
  if (!KEY.test(key)) {
    // "nb proc=4" -> "nb_proc=4"; a key that no such mending makes one: the form alone.
    const mended = written.replace(/\s+/g, "_").toLowerCase();
    const fix = KEY.test(mended) ? suggestion(mended, value || "<value>") : `write it as "#QM key=${value || "value"}"`;
    return { problem: `"${written}" is not a key (letters, digits and _ . -); ${fix}` };
  }
  if (value === "") return { problem: `${key} has no value; write "#QM ${key}=<value>" or remove the line` };
  if (key === "script") return { problem: `a script cannot name another script; QueueManager runs this file itself, so remove "#QM script"` };
  return { directive: [key, value] };
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

/**
 * A single-script job's info, or null when the script has no #QM directive. Every bad
 * line is told at once: the malformed ones and those whose value an info file would
 * refuse (each value judged by toJobInfo, the info file's own rule).
 */
export function parseScriptJob(fileName: string, text: string): (JobInfo & { shebang: string | null }) | null {
  const block = readBlock(fileName, text);
  if (block.lastDirective < 0) return null;
  const where = (key: string) => (block.lineOf[key] ? `${fileName} line ${block.lineOf[key]}` : fileName);
  const command = scriptCommand(fileName, block.shebang);
  const problems = [...block.problems];
  for (const [key, value] of Object.entries(block.params)) {
    try {
      toJobInfo({ [key]: value }, command, where);
    } catch (error) {
      if (!isAppError(error)) throw error;
      problems.push({ line: block.lineOf[key], message: error.message });
    }
  }
  if (problems.length) throw problemsError(problems);
  return { ...toJobInfo(block.params, command, where), shebang: block.shebang };
}
