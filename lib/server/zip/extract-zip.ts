/**
 * Extract an uploaded zip into an empty folder, refusing anything that could escape the
 * folder or fill the disk. Bytes are counted as they are written: a zip's declared sizes
 * are not trusted. On any rejection the caller removes the folder.
 */
import fs from "node:fs";
import path from "node:path";
import { Transform } from "node:stream";
import { pipeline } from "node:stream/promises";
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

function openZip(zipPath: string): Promise<ZipFile> {
  return new Promise((resolve, reject) => {
    yauzl.open(zipPath, { lazyEntries: true, decodeStrings: false, validateEntrySizes: true, autoClose: true }, (error, zip) => {
      if (error || !zip) {
        reject(new AppError("INVALID_INPUT", "The file is not a valid zip archive; create it with a zip tool (zip -r job.zip myjob)"));
      } else resolve(zip);
    });
  });
}

export async function extractZip(zipPath: string, dest: string, limits: ZipLimits): Promise<ExtractResult> {
  const zipSize = fs.statSync(zipPath).size;
  const zip = await openZip(zipPath);
  if (zip.entryCount > limits.maxEntries) {
    zip.close();
    throw tooManyEntries(`${zip.entryCount}`, limits);
  }
  const state = { files: 0, bytes: 0, declared: 0, entries: 0 };
  fs.mkdirSync(dest, { recursive: true });
  try {
    await new Promise<void>((resolve, reject) => {
      zip.on("error", (error: Error) => reject(asZipError(error)));
      zip.on("end", () => resolve());
      zip.on("entry", (entry: Entry) => {
        extractEntry(zip, entry, dest, limits, state, zipSize).then(() => zip.readEntry(), reject);
      });
      zip.readEntry();
    });
  } finally {
    if (zip.isOpen) zip.close();
  }
  return { files: state.files, bytes: state.bytes };
}

async function extractEntry(
  zip: ZipFile,
  entry: Entry,
  dest: string,
  limits: ZipLimits,
  state: { files: number; bytes: number; declared: number; entries: number },
  zipSize: number,
): Promise<void> {
  const name = yauzl.getFileNameLowLevel(entry.generalPurposeBitFlag, entry.fileNameRaw, entry.extraFields, true);
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
  const counter = new Transform({
    transform(chunk: Buffer, _encoding, callback) {
      written += chunk.length;
      state.bytes += chunk.length;
      if (state.bytes > limits.maxTotalBytes) return callback(tooBig(limits));
      const entryRatio = written / Math.max(entry.compressedSize, 1);
      const zipRatio = state.bytes / Math.max(zipSize, 1);
      if (
        (written > limits.ratioFloorBytes && entryRatio > limits.maxRatio) ||
        (state.bytes > limits.ratioFloorBytes && zipRatio > limits.maxRatio)
      ) {
        return callback(
          new AppError(
            "TOO_LARGE",
            `The zip expands more than ${limits.maxRatio} times (${JSON.stringify(name)}); this looks like a zip bomb. Upload the files without such extreme compression`,
          ),
        );
      }
      callback(null, chunk);
    },
  });
  const mode = (entry.externalFileAttributes >>> 16) & 0o111 ? 0o755 : 0o644;
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
  return new AppError("INVALID_INPUT", `The zip archive is damaged (${error.message}); create it again with a zip tool`);
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
