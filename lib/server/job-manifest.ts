/**
 * A job folder's manifest, `.qm-manifest`: the list of everything in the folder as it was
 * when its author finished writing it. A folder dropped into QM_qJobs whose content is
 * exactly what its manifest lists starts at once, without waiting for Settle_Time.
 *
 * Why this is safe against a copy in progress: the manifest ends with an `end` line (a
 * manifest cut off by a copy has none), and every entry must match in type, mode, size
 * and modification time to the nanosecond. Copy tools that keep times (`cp -a`, `rsync -a`,
 * `scp -p`) set a file's time after its data, and its mode after its time (or rename a
 * finished temporary file into place), so an entry still being copied differs in size,
 * time or mode; one not yet copied is missing. A copy that does not keep times never
 * matches, and falls back to the Settle_Time rule. Entries whose names start with
 * `.qm-manifest` (the file itself, its temporary) are not part of the job.
 *
 * The format is plain text, one entry per line, so a shell can write it too (docs/jobs.md):
 *
 *   qm-manifest 1
 *   <type f|d|l> TAB <mode, octal> TAB <size> TAB <mtime: seconds[.fraction]> TAB <path>
 *   end
 */
import fs from "node:fs";
import path from "node:path";
import { AppError } from "../core/app-error";

export const MANIFEST_NAME = ".qm-manifest";
const HEADER = "qm-manifest 1";
const TYPES = { f: "a file", d: "a folder", l: "a symbolic link" } as const;
type EntryType = keyof typeof TYPES;

interface Entry {
  type: EntryType;
  mode: number;
  size: bigint;
  mtimeNs: bigint;
}

const isOwnFile = (rel: string) => rel.startsWith(MANIFEST_NAME);

function typeOf(st: fs.BigIntStats): EntryType | null {
  return st.isFile() ? "f" : st.isDirectory() ? "d" : st.isSymbolicLink() ? "l" : null;
}

/** Every entry under `dir` (not following links), by path relative to it. */
function walk(dir: string, visit: (rel: string, st: fs.BigIntStats) => void, rel = ""): void {
  for (const name of fs.readdirSync(path.join(dir, rel)).sort()) {
    const child = rel ? `${rel}/${name}` : name;
    if (!rel && isOwnFile(name)) continue;
    const st = fs.lstatSync(path.join(dir, child), { bigint: true });
    visit(child, st);
    if (st.isDirectory()) walk(dir, visit, child);
  }
}

const formatTime = (ns: bigint) => `${ns / 1_000_000_000n}.${String(ns % 1_000_000_000n).padStart(9, "0")}`;

/** Seconds with an optional fraction (`find -printf %T@` prints ten digits) to nanoseconds. */
function parseTime(text: string): bigint | null {
  const m = /^(\d+)(?:\.(\d+))?$/.exec(text);
  return m ? BigInt(m[1]) * 1_000_000_000n + BigInt((m[2] ?? "").padEnd(9, "0").slice(0, 9)) : null;
}

/**
 * Write `dir`'s manifest: call it once every file of the job is written and closed, then
 * move the folder into QM_qJobs. The manifest appears whole (written aside, then renamed).
 */
export function writeJobManifest(dir: string): void {
  const lines = [HEADER];
  walk(dir, (rel, st) => {
    const type = typeOf(st);
    if (!type) throw new AppError("INVALID_INPUT", `${rel} in ${dir} is not a file, folder or link; a job folder cannot hold it`);
    if (/[\t\n\r]/.test(rel)) throw new AppError("INVALID_INPUT", `the name ${JSON.stringify(rel)} in ${dir} holds a tab or a line break; rename it`);
    lines.push([type, (Number(st.mode) & 0o7777).toString(8), String(st.size), formatTime(st.mtimeNs), rel].join("\t"));
  });
  lines.push("end", "");
  const tmp = path.join(dir, `${MANIFEST_NAME}.${process.pid}.tmp`);
  fs.writeFileSync(tmp, lines.join("\n"));
  fs.renameSync(tmp, path.join(dir, MANIFEST_NAME));
}

function parseManifest(text: string): Map<string, Entry> | string {
  if (!text.endsWith("\nend\n")) return "it has no `end` line (cut off, or still being written)";
  const lines = text.slice(0, -"end\n".length).split("\n").slice(0, -1);
  if (lines[0] !== HEADER) return `its first line is not "${HEADER}"`;
  const entries = new Map<string, Entry>();
  for (const [i, line] of lines.slice(1).entries()) {
    const [type, mode, size, mtime, ...rest] = line.split("\t");
    const rel = rest.join("\t").replace(/^\.\//, "");
    const mtimeNs = parseTime(mtime ?? "");
    if (!(type in TYPES) || !/^[0-7]+$/.test(mode ?? "") || !/^\d+$/.test(size ?? "") || mtimeNs === null || !rel) return `line ${i + 2} is not <type> <mode> <size> <time> <path>`;
    entries.set(rel, { type: type as EntryType, mode: parseInt(mode, 8), size: BigInt(size), mtimeNs });
  }
  return entries;
}

/** What the manifest says of `dir`: none, complete (the folder is exactly as listed), or why not. */
export type ManifestCheck = { state: "none" } | { state: "complete" } | { state: "differs"; reason: string };

export function checkJobManifest(dir: string): ManifestCheck {
  let text: string;
  try {
    text = fs.readFileSync(path.join(dir, MANIFEST_NAME), "utf8");
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === "ENOENT") return { state: "none" };
    throw error;
  }
  const listed = parseManifest(text);
  if (typeof listed === "string") return { state: "differs", reason: `${MANIFEST_NAME}: ${listed}` };
  let reason: string | null = null;
  let seen = 0;
  const compare = (rel: string, st: fs.BigIntStats) => {
    if (reason) return;
    const want = listed.get(rel);
    const type = typeOf(st);
    if (!want) reason = `${rel} is not listed`;
    else if (type !== want.type) reason = `${rel} is not ${TYPES[want.type]}`;
    else if ((Number(st.mode) & 0o7777) !== want.mode) reason = `the mode of ${rel} differs`;
    else if (type !== "d" && st.size !== want.size) reason = `${rel} has ${st.size} bytes, not ${want.size}`;
    else if (st.mtimeNs !== want.mtimeNs) reason = `the modification time of ${rel} differs`;
    else seen += 1;
  };
  try {
    walk(dir, compare);
  } catch (error) {
    // An entry that changed under the walk, or whose name is not UTF-8 (it names nothing as a
    // string, and no manifest can list it): not complete; the quiet rule decides.
    return { state: "differs", reason: `it could not be compared: ${(error as Error).message}` };
  }
  if (!reason && seen !== listed.size) reason = `${listed.size - seen} listed entr${listed.size - seen === 1 ? "y is" : "ies are"} missing`;
  return reason ? { state: "differs", reason } : { state: "complete" };
}
