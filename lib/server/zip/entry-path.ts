/**
 * Names of zip entries: what is allowed inside an uploaded job, checked before anything
 * is written. Each rejection names the entry and says how to fix the zip.
 */
import { AppError } from "../../core/app-error";

const MAX_PATH = 1024;
const MAX_SEGMENT = 255;

/** Files that macOS and Windows zip tools add and that no job needs. */
export function isJunkEntry(name: string): boolean {
  const segments = name.split("/").filter(Boolean);
  return segments[0] === "__MACOSX" || segments.some((s) => s === ".DS_Store" || s === "Thumbs.db");
}

/**
 * The entry's path relative to the extraction folder (forward slashes, no trailing
 * slash), or throws INVALID_INPUT when it could land outside that folder.
 */
export function safeEntryPath(name: string): string {
  const shown = JSON.stringify(name.length > 120 ? `${name.slice(0, 120)}…` : name);
  const reject = (why: string) => new AppError("INVALID_INPUT", `The zip entry ${shown} ${why}`);
  if (name.includes("\0")) throw reject("contains a NUL character; zip the folder again with a standard zip tool");
  if (name.includes("\\")) {
    throw reject("contains a backslash (\\); zip the folder again with a standard zip tool (paths must use /)");
  }
  if (name.startsWith("/") || /^[a-zA-Z]:/.test(name)) {
    throw reject("has an absolute path; zip the job folder with paths relative to it");
  }
  const segments = name.split("/");
  if (segments.includes("..")) {
    throw reject('contains ".." and would be written outside the job folder; remove it from the zip');
  }
  const kept = segments.filter((s) => s !== "" && s !== ".");
  if (kept.length === 0) throw reject("has an empty path");
  if (name.length > MAX_PATH || kept.some((s) => Buffer.byteLength(s) > MAX_SEGMENT)) {
    throw reject("has a path that is too long for the file system");
  }
  return kept.join("/");
}

/** The Unix file type stored in an entry's external attributes (0 when the zip has none). */
export function unixFileType(externalFileAttributes: number): number {
  return (externalFileAttributes >>> 16) & 0o170000;
}

export const S_IFLNK = 0o120000;
export const S_IFDIR = 0o040000;
export const S_IFREG = 0o100000;

/** Refuse symbolic links and special files: only folders and regular files are extracted. */
export function checkEntryType(name: string, externalFileAttributes: number): "file" | "dir" {
  const type = unixFileType(externalFileAttributes);
  if (type === S_IFLNK) {
    throw new AppError(
      "INVALID_INPUT",
      `The zip entry ${JSON.stringify(name)} is a symbolic link; links are not accepted, put the file itself in the zip (zip -r without -y)`,
    );
  }
  if (type !== 0 && type !== S_IFDIR && type !== S_IFREG) {
    throw new AppError("INVALID_INPUT", `The zip entry ${JSON.stringify(name)} is not a regular file or folder; remove it from the zip`);
  }
  // DOS attribute 0x10 marks folders in zips made on Windows.
  return name.endsWith("/") || type === S_IFDIR || (type === 0 && (externalFileAttributes & 0x10) !== 0) ? "dir" : "file";
}
