/**
 * Zip a job folder in memory for `qm submit` (entries under `<folder name>/`, Unix modes
 * kept so scripts stay executable). Written here rather than with a zip library so the
 * command stays one small file that starts fast. Symbolic links and special files are
 * left out (the server refuses them); there is no ZIP64, so the limit is 4 GB.
 */
import fs from "node:fs";
import path from "node:path";
import zlib from "node:zlib";
import { isUtf8Bytes, nameText } from "../lib/core/name-bytes";
import { MAX_ZIP_RATIO } from "../lib/core/zip-ratio";
import { CliError, EXIT } from "./errors";

const LIMIT = 0xffff_fff0;

let table: Uint32Array | undefined;
function crc32(data: Buffer): number {
  if (typeof zlib.crc32 === "function") return zlib.crc32(data);
  table ??= Uint32Array.from({ length: 256 }, (_, n) => {
    let c = n;
    for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
    return c >>> 0;
  });
  let crc = 0xffffffff;
  for (const byte of data) crc = table[(crc ^ byte) & 0xff] ^ (crc >>> 8);
  return (crc ^ 0xffffffff) >>> 0;
}

interface Entry {
  name: string;
  mode: number;
  data: Buffer | null;
}

const WHY_NOT: Record<string, string> = { EACCES: "permission denied", EPERM: "permission denied", EIO: "input/output error", ELOOP: "too many symbolic links" };

/**
 * `read()`, or, when the system refuses, a CliError naming `shown` (as the user knows it:
 * `job/locked.dat`; `inFolder`: one file of a folder sent) and what to do, rather than `EACCES: permission denied, open '...'`.
 */
export function readOrSay<T>(shown: string, read: () => T, inFolder = true): T {
  try {
    return read();
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (!code) throw error;
    throw new CliError(EXIT.FAILED, `cannot read ${shown} (${WHY_NOT[code] ?? code}); make it readable to you (chmod u+r)${inFolder ? ", or move it out of the folder" : ""}`);
  }
}

/** The folder's names, as bytes: a name that is not UTF-8 (Latin-1 from an older system) is still reachable. */
function namesOf(dir: string | Buffer, shown: string): Buffer[] {
  return readOrSay(shown, () => fs.readdirSync(dir, { encoding: "buffer" })).sort((a, b) => nameText(a).localeCompare(nameText(b)));
}

/** A zip entry's name is UTF-8: one that is not is sent by its Latin-1 reading ("donn\xe9es" as "données"), and said. */
function entryName(raw: Buffer, prefix: string, renamed: string[]): string {
  const name = `${prefix}${nameText(raw)}`;
  if (!isUtf8Bytes(raw)) renamed.push(name);
  return name;
}

function collect(dir: string | Buffer, prefix: string, out: Entry[], notes: Notes): void {
  for (const raw of namesOf(dir, prefix.replace(/\/$/, ""))) {
    const full = Buffer.concat([Buffer.from(dir), Buffer.from("/"), raw]);
    const name = entryName(raw, prefix, notes.renamed);
    const stat = fs.lstatSync(full);
    if (stat.isDirectory()) {
      out.push({ name: `${name}/`, mode: stat.mode, data: null });
      collect(full, `${name}/`, out, notes);
    } else if (stat.isFile()) {
      if (stat.size > LIMIT) throw new CliError(EXIT.FAILED, `${path.join(String(dir), name.slice(prefix.length))} is larger than 4 GB: copy the job folder into QM_qJobs on the server instead`);
      out.push({ name, mode: stat.mode, data: readOrSay(name, () => fs.readFileSync(full)) });
    } else notes.skipped.push(name);
  }
}

interface Notes {
  /** Not plain files or folders: left out. */
  skipped: string[];
  /** Names that were not UTF-8, sent by their Latin-1 reading (the entry's name as sent). */
  renamed: string[];
}

/** The zip of `dir` (its path's bytes or text), entries under `top`; the paths left out and those renamed. */
export function zipFolder(dir: string | Buffer, top: string): { zip: Buffer } & Notes {
  const entries: Entry[] = [];
  const notes: Notes = { skipped: [], renamed: [] };
  entries.push({ name: `${top}/`, mode: fs.statSync(dir).mode, data: null });
  collect(dir, `${top}/`, entries, notes);
  return { zip: buildZip(entries), ...notes };
}

/** A zip of in-memory files (a lone script and the info file written for it). */
export function zipFiles(top: string, files: { name: string; data: Buffer; mode: number }[]): Buffer {
  return buildZip([{ name: `${top}/`, mode: 0o40755, data: null }, ...files.map((f) => ({ name: `${top}/${f.name}`, mode: f.mode, data: f.data }))]);
}

function buildZip(entries: Entry[]): Buffer {
  const parts: Buffer[] = [];
  const central: Buffer[] = [];
  let offset = 0;
  for (const entry of entries) {
    const name = Buffer.from(entry.name, "utf8");
    const raw = entry.data ?? Buffer.alloc(0);
    const deflated = raw.length > 64 ? zlib.deflateRawSync(raw, { level: 6 }) : null;
    // Stored when deflate gains nothing, or so much that the server would take the entry for a zip bomb (half its ratio: margin).
    const stored = !deflated || deflated.length >= raw.length || raw.length > deflated.length * (MAX_ZIP_RATIO / 2);
    const body = stored ? raw : deflated;
    const crc = crc32(raw);
    const header = (signature: number, size: number) => {
      const b = Buffer.alloc(size);
      b.writeUInt32LE(signature, 0);
      return b;
    };
    const local = header(0x04034b50, 30);
    local.writeUInt16LE(20, 4); // version needed
    local.writeUInt16LE(0x800, 6); // UTF-8 names
    local.writeUInt16LE(stored ? 0 : 8, 8);
    local.writeUInt32LE(crc, 14);
    local.writeUInt32LE(body.length, 18);
    local.writeUInt32LE(raw.length, 22);
    local.writeUInt16LE(name.length, 26);
    const dir = header(0x02014b50, 46);
    dir.writeUInt16LE((3 << 8) | 20, 4); // made by Unix: the high bytes of external attributes are its mode
    dir.writeUInt16LE(20, 6);
    dir.writeUInt16LE(0x800, 8);
    dir.writeUInt16LE(stored ? 0 : 8, 10);
    dir.writeUInt32LE(crc, 16);
    dir.writeUInt32LE(body.length, 20);
    dir.writeUInt32LE(raw.length, 24);
    dir.writeUInt16LE(name.length, 28);
    dir.writeUInt32LE(((entry.mode & 0xffff) << 16) >>> 0, 38);
    dir.writeUInt32LE(offset, 42);
    parts.push(local, name, body);
    central.push(dir, name);
    offset += 30 + name.length + body.length;
    if (offset > LIMIT) throw new CliError(EXIT.FAILED, "the job is larger than 4 GB zipped: copy the folder into QM_qJobs on the server instead");
  }
  const centralSize = central.reduce((n, b) => n + b.length, 0);
  const end = Buffer.alloc(22);
  end.writeUInt32LE(0x06054b50, 0);
  end.writeUInt16LE(entries.length, 8);
  end.writeUInt16LE(entries.length, 10);
  end.writeUInt32LE(centralSize, 12);
  end.writeUInt32LE(offset, 16);
  return Buffer.concat([...parts, ...central, end]);
}
