/**
 * Extract an uploaded zip into an empty folder, refusing anything that could escape the
 * folder or fill the disk. Bytes are counted as they are written: a zip's declared sizes
 * are not trusted. On any rejection the caller removes the folder.
 *
 * A small zip (most jobs: a script, its info file, some inputs) is read into memory whole,
 * and each of its small entries inflated in one call and written in one: every read and
 * write of the streamed way is a round trip through Node's thread pool, about 2 ms per
 * entry on a loaded machine against 0.3 ms this way (docs/performance.md, "The API
 * upload"). Larger zips and entries stream, as they must.
 */
import fs from "node:fs";
import path from "node:path";
import { Transform } from "node:stream";
import { pipeline } from "node:stream/promises";
import zlib from "node:zlib";
import { isUtf8Bytes } from "../../core/name-bytes";
import yauzl, { type Entry, type ZipFile } from "yauzl";
import { AppError } from "../../core/app-error";
import { formatBytes } from "../../core/format";
import { checkEntryType, isJunkEntry, safeEntryPath } from "./entry-path";
import type { ZipLimits } from "./zip-limits";
import { diskFull } from "../disk-space";

export interface ExtractResult {
  files: number;
  bytes: number;
}

/** A zip up to this size is read into memory whole. */
const WHOLE_ZIP_BYTES = 4 * 1024 * 1024;
/** An entry of such a zip declared up to this size is inflated and written in one piece. */
const WHOLE_ENTRY_BYTES = 1024 * 1024;

/** The open zip, and its bytes when it was read whole. */
interface OpenZip {
  zip: ZipFile;
  whole: Buffer | null;
}

function openZip(zipPath: string, zipSize: number): Promise<OpenZip> {
  const whole = zipSize <= WHOLE_ZIP_BYTES ? fs.readFileSync(zipPath) : null;
  const options = { lazyEntries: true, decodeStrings: false, validateEntrySizes: true, autoClose: true };
  return new Promise((resolve, reject) => {
    const opened = (error: Error | null, zip?: ZipFile) => {
      if (error || !zip) {
        reject(new AppError("INVALID_INPUT", "The file is not a valid zip archive; create it with a zip tool (zip -r job.zip myjob)"));
      } else resolve({ zip, whole });
    };
    if (whole) yauzl.fromBuffer(whole, options, opened);
    else yauzl.open(zipPath, options, opened);
  });
}

/**
 * `roomFor`: called with the entry count the zip declares (its central directory) before
 * anything is written; it throws when the disk has too few free inodes for that many.
 */
export async function extractZip(zipPath: string, dest: string, limits: ZipLimits, roomFor?: (entries: number) => void): Promise<ExtractResult> {
  const zipSize = fs.statSync(zipPath).size;
  const { zip, whole } = await openZip(zipPath, zipSize);
  if (zip.entryCount > limits.maxEntries) {
    zip.close();
    throw tooManyEntries(`${zip.entryCount}`, limits);
  }
  try {
    roomFor?.(zip.entryCount);
  } catch (error) {
    zip.close();
    throw error;
  }
  const state = { files: 0, bytes: 0, declared: 0, entries: 0 };
  fs.mkdirSync(dest, { recursive: true });
  try {
    await new Promise<void>((resolve, reject) => {
      zip.on("error", (error: Error) => reject(asZipError(error)));
      zip.on("end", () => resolve());
      zip.on("entry", (entry: Entry) => {
        extractEntry({ zip, whole }, entry, dest, limits, state, zipSize).then(() => zip.readEntry(), reject);
      });
      zip.readEntry();
    });
  } finally {
    if (zip.isOpen) zip.close();
  }
  return { files: state.files, bytes: state.bytes };
}

async function extractEntry(
  { zip, whole }: OpenZip,
  entry: Entry,
  dest: string,
  limits: ZipLimits,
  state: { files: number; bytes: number; declared: number; entries: number },
  zipSize: number,
): Promise<void> {
  const name = entryName(entry);
  if (++state.entries > limits.maxEntries) throw tooManyEntries(`more than ${limits.maxEntries}`, limits);
  const relative = safeEntryPath(name);
  const kind = checkEntryType(name, entry.externalFileAttributes);
  if (isJunkEntry(relative)) return;
  if (entry.isEncrypted()) {
    throw new AppError("INVALID_INPUT", `The zip entry ${JSON.stringify(name)} is encrypted; zip the job again without a password`);
  }
  const target = path.join(dest, relative);
  if (!target.startsWith(dest + path.sep)) throw new AppError("INVALID_INPUT", `The zip entry ${JSON.stringify(name)} points outside the job folder`);
  if (kind === "dir") {
    mkdirFor(name, target);
    return;
  }
  state.declared += entry.uncompressedSize;
  if (state.declared > limits.maxTotalBytes) throw tooBig(limits);
  mkdirFor(name, path.dirname(target));

  let written = 0;
  /** Count `bytes` more of this entry: the error that stops the extraction, if they are too many. */
  const count = (bytes: number): AppError | null => {
    written += bytes;
    state.bytes += bytes;
    if (state.bytes > limits.maxTotalBytes) return tooBig(limits);
    const entryRatio = written / Math.max(entry.compressedSize, 1);
    const zipRatio = state.bytes / Math.max(zipSize, 1);
    if ((written > limits.ratioFloorBytes && entryRatio > limits.maxRatio) || (state.bytes > limits.ratioFloorBytes && zipRatio > limits.maxRatio)) {
      return new AppError(
        "TOO_LARGE",
        `The zip expands more than ${limits.maxRatio} times (${JSON.stringify(name)}); this looks like a zip bomb. If it is data that compresses that well (zeros, a sparse file), zip that file without compression (zip -0 -r job.zip job), or submit the folder with qm submit, which does so itself`,
      );
    }
    return null;
  };
  const mode = extractedMode(entry.externalFileAttributes);
  if (whole && entry.uncompressedSize <= WHOLE_ENTRY_BYTES && (entry.compressionMethod === 0 || entry.compressionMethod === 8)) {
    const data = await entryData(zip, whole, entry, name);
    const refused = count(data.length);
    if (refused) throw refused;
    try {
      fs.writeFileSync(target, data, { flag: "wx", mode });
    } catch (error) {
      throw fileError(name, error);
    }
    state.files += 1;
    return;
  }
  const counter = new Transform({
    transform(chunk: Buffer, _encoding, callback) {
      callback(count(chunk.length), chunk);
    },
  });
  const input = await new Promise<NodeJS.ReadableStream>((resolve, reject) =>
    zip.openReadStream(entry, (error, stream) => (error || !stream ? reject(asZipError(error ?? new Error("no stream"))) : resolve(stream))),
  );
  let output: fs.WriteStream;
  try {
    output = fs.createWriteStream(target, { flags: "wx", mode });
    await pipeline(input, counter, output);
  } catch (error) {
    throw fileError(name, error);
  }
  state.files += 1;
}

/**
 * A small entry's bytes from a zip read whole, inflated in one call that may not produce
 * more than the entry declares (so memory stays bounded by WHOLE_ENTRY_BYTES); a size
 * other than the declared one is a damaged zip, as yauzl's streams say.
 */
async function entryData(zip: ZipFile, whole: Buffer, entry: Entry, name: string): Promise<Buffer> {
  const start = await new Promise<number>((resolve, reject) =>
    zip.readLocalFileHeader(entry, { minimal: true }, (error, header) => (error ? reject(asZipError(error)) : resolve(header.fileDataStart))),
  );
  const raw = whole.subarray(start, start + entry.compressedSize);
  const damaged = (why: string) => damagedZip(`${JSON.stringify(name)} ${why}`);
  let data: Buffer;
  try {
    data = entry.compressionMethod === 0 ? raw : zlib.inflateRawSync(raw, { maxOutputLength: Math.max(entry.uncompressedSize, 1) });
  } catch (error) {
    throw damaged((error as NodeJS.ErrnoException).code === "ERR_BUFFER_TOO_LARGE" ? `holds more than the ${entry.uncompressedSize} bytes it declares` : `cannot be inflated: ${(error as Error).message}`);
  }
  if (data.length !== entry.uncompressedSize) throw damaged(`holds ${data.length} bytes where it declares ${entry.uncompressedSize}`);
  return data;
}

/**
 * The mode an entry's file is written with: executable or not as the zip says, and private
 * when the zip says others may not read it (a `chmod 600` input zipped on a Unix system, or
 * by `qm submit`): it was written 0644, readable by every account of the machine while the
 * job waited and shown to every viewer (docs/web-auth.md, "Private files"). A zip with no
 * Unix modes (made on Windows) gives 0644.
 */
export function extractedMode(externalFileAttributes: number): number {
  const unix = externalFileAttributes >>> 16;
  const executable = (unix & 0o111) !== 0;
  if (unix !== 0 && (unix & 0o004) === 0) return executable ? 0o700 : 0o600;
  return executable ? 0o755 : 0o644;
}

function mkdirFor(name: string, dir: string): void {
  try {
    fs.mkdirSync(dir, { recursive: true });
  } catch (error) {
    throw fileError(name, error);
  }
}

function fileError(name: string, error: unknown): Error {
  if (error instanceof AppError) return error;
  const code = (error as NodeJS.ErrnoException).code;
  if (code === "EEXIST" || code === "ENOTDIR" || code === "EISDIR") {
    return new AppError("INVALID_INPUT", `The zip entry ${JSON.stringify(name)} appears twice or clashes with a folder of the same name; fix the zip`);
  }
  if (code === "ENOSPC" || code === "EDQUOT") return diskFull();
  return asZipError(error as Error);
}

/** yauzl's own errors (no errno code) mean a broken archive; file-system errors stay as they are. */
function asZipError(error: Error): Error {
  if (error instanceof AppError) return error;
  const code = (error as NodeJS.ErrnoException).code;
  if (code === "ENOSPC" || code === "EDQUOT") return diskFull();
  if (typeof code === "string" && /^E[A-Z0-9]+$/.test(code)) return error;
  return damagedZip(error.message);
}

/** A zip whose structure or data is broken, saying `why`. */
function damagedZip(why: string): AppError {
  return new AppError("INVALID_INPUT", `The zip archive is damaged (${why}); create it again with a zip tool`);
}

function tooManyEntries(count: string, limits: ZipLimits): AppError {
  return new AppError(
    "TOO_LARGE",
    `The zip holds ${count} entries; at most ${limits.maxEntries} files and folders are accepted, so pack small files into an archive inside the job`,
  );
}

function tooBig(limits: ZipLimits): AppError {
  return new AppError(
    "TOO_LARGE",
    `The zip expands to more than ${formatBytes(limits.maxTotalBytes)}; upload less data or ask the administrator to raise Max_Upload_MB`,
  );
}

/**
 * An entry's name. A name that does not say it is UTF-8 (no flag, no Unicode path field)
 * is CP437 by the zip format, and yauzl reads it so: right for an old Windows zip ("é" is
 * 0x82 there), wrong for the many tools that write UTF-8 without saying so (macOS's
 * Archive Utility, scripts), whose "é" came out as "├⌐". Such a name whose bytes are UTF-8,
 * which CP437 text beyond ASCII practically never is, is read as UTF-8.
 */
function entryName(entry: Entry): string {
  const said = (entry.generalPurposeBitFlag & 0x800) !== 0 || entry.extraFields.some((field) => field.id === 0x7075);
  if (!said && isUtf8Bytes(entry.fileNameRaw)) return entry.fileNameRaw.toString("utf8");
  return yauzl.getFileNameLowLevel(entry.generalPurposeBitFlag, entry.fileNameRaw, entry.extraFields, true);
}
