/**
 * The whole job folder as a zip, streamed as it is made, for one viewer.
 *
 * - Entries come from walkJobFolder: opened by descriptor, never by path after
 *   listing; links, hard links, foreign files, sparse files and, but for the job's owner
 *   and the administrator, what the job keeps from others (private-entries.ts) are left
 *   out, and what was left out is listed in QM-download-notes.txt at the top of the zip.
 * - One file is open and read at a time, up to the size fstat gave it: memory stays
 *   constant and the bytes read are bounded by planJobZip's count, which the caller
 *   compares with Max_Zip_MB before sending anything (a folder that grows meanwhile is
 *   cut at `maxBytes`, said in the notes).
 * - Any error ends the zip stream with that error (the download fails); when the
 *   client goes away, the walk stops and every descriptor is closed.
 * - A name with a backslash is left out (noted): zip tools read `\` as a folder separator
 *   (archiver itself turns `..\..\x` into `../../x`), so such an entry could be unpacked
 *   outside the folder it is unpacked in. Before, archiver renamed it, the entry it
 *   announced no longer had the name waited for, and the download hung after a few bytes.
 * - A name that is not UTF-8 (Latin-1 from an older system) goes in under its Latin-1
 *   reading, which zip tools read as UTF-8 everywhere; the notes give its bytes.
 */
import type { Readable } from "node:stream";
import { ZipArchive } from "archiver";
import { LOG_FILE } from "../../core/job-log";
import { pathBytesOf, shownPath } from "../../core/name-bytes";
import { escapedName } from "../undecodable-names";
import { jobFileBody } from "./file-body";
import type { JobFolderAccess } from "./job-folder";
import { walkJobFolder } from "./job-tree";

export const NOTES_NAME = "QM-download-notes.txt";

const BACKSLASH_NOTE = "has a backslash (\\) in its name, which zip tools read as a folder separator (left out)";

/** The entry names of a zip are written as given: no backslash, no leading `C:` (which archiver drops). */
const zipSafe = (name: string) => name.replace(/[\\:]/g, "_");

/** Files and bytes a zip of the folder would read now. */
export async function planJobZip(access: JobFolderAccess): Promise<{ files: number; bytes: number }> {
  const plan = { files: 0, bytes: 0 };
  await walkJobFolder(access, {
    refuseName,
    file: async ({ stat }) => {
      plan.files += 1;
      plan.bytes += stat.size;
    },
    skip: () => undefined,
  });
  return plan;
}

function refuseName(name: string): string | null {
  return name.includes("\\") ? BACKSLASH_NOTE : null;
}

/** Append one entry and wait until the archive has taken all of it (or stopped). */
function appendEntry(archive: ZipArchive, source: Readable, data: { name: string; date: Date; mode: number }, stop: AbortSignal): Promise<void> {
  source.on("error", () => undefined); // reported through the archive; never an uncaught error
  return new Promise((resolve, reject) => {
    const done = (error?: unknown) => {
      archive.off("entry", onEntry);
      archive.off("error", done);
      stop.removeEventListener("abort", onStop);
      if (error) {
        source.destroy();
        reject(error);
      } else resolve();
    };
    const onEntry = (entry: { name: string }) => entry.name === data.name && done();
    const onStop = () => {
      source.destroy();
      done();
    };
    if (stop.aborted) return onStop();
    archive.on("entry", onEntry);
    archive.on("error", done);
    stop.addEventListener("abort", onStop, { once: true });
    archive.append(source, data);
  });
}

function notesText(notes: string[], renamed: string[]): string {
  const left = notes.length ? ["These files of the job folder are not in this zip:", "", ...notes, ""] : [];
  const named = renamed.length ? ["These names are not UTF-8 (from an older system); they are in this zip under their Latin-1 reading:", "", ...renamed, ""] : [];
  return [...left, ...(left.length && named.length ? [""] : []), ...named].join("\n");
}

/** A Node readable stream of the zip of the job folder, every entry under `topName/`. */
export function zipJobFolder(access: JobFolderAccess, jobName: string, options: { signal?: AbortSignal; maxBytes: number }): ZipArchive {
  const topName = zipSafe(jobName);
  const archive = new ZipArchive({ zlib: { level: 6 }, highWaterMark: 64 * 1024 });
  const stop = new AbortController();
  options.signal?.addEventListener("abort", () => {
    stop.abort();
    archive.abort();
  }, { once: true });
  archive.on("warning", (error) => console.warn(`[zip] ${topName}: ${error.message}`));
  let failure: Error | null = null;
  archive.on("error", (error) => {
    failure ??= error;
    stop.abort();
  });
  archive.on("close", () => stop.abort()); // the reader destroyed the stream (client gone)

  const notes: string[] = [];
  const renamed: string[] = [];
  const named = new Set<string>();
  /**
   * The entry's name in the zip: a name that is not UTF-8 under its Latin-1 reading, noted,
   * with "-2", "-3"... when a UTF-8 name beside it is that reading already (it comes first:
   * names are sorted, and U+DC80 and above sort after every Latin-1 character).
   */
  const entryName = (rel: string) => {
    let shown = shownPath(rel);
    if (shown !== rel) {
      const readable = shown;
      for (let n = 2; named.has(shown); n++) shown = `${readable}-${n}`;
      renamed.push(`${escapedName(pathBytesOf(rel))} -> ${shown}`);
    }
    named.add(shown);
    return `${topName}/${shown}`;
  };
  let total = 0;
  archive.append(Buffer.alloc(0), { name: `${topName}/`, type: "directory" });
  walkJobFolder(
    access,
    {
      refuseName,
      folder: (rel, stat) => void archive.append(Buffer.alloc(0), { name: `${entryName(rel)}/`, type: "directory", date: stat.mtime }),
      file: async (file) => {
        if (total + file.stat.size > options.maxBytes) return void notes.push(`${shownPath(file.rel)}: left out, the zip reached Max_Zip_MB`);
        total += file.stat.size;
        const body = jobFileBody({ ...file, hideCommand: access.hideCommand && file.rel === LOG_FILE }, false);
        await appendEntry(archive, body, { name: entryName(file.rel), date: file.stat.mtime, mode: file.stat.mode & 0o777 }, stop.signal);
      },
      skip: (rel, reason) => void notes.push(`${shownPath(rel)}: ${reason}`),
    },
    stop.signal,
  )
    .then(async () => {
      if (stop.signal.aborted) {
        if (failure && !archive.destroyed) archive.destroy(failure);
        return;
      }
      if (notes.length || renamed.length) archive.append(notesText(notes, renamed), { name: `${topName}/${NOTES_NAME}` });
      await archive.finalize();
    })
    .catch((error: Error) => {
      if (!archive.destroyed) archive.destroy(error);
    });
  return archive;
}
