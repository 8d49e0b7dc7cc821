/**
 * Stream a multipart upload (`file` parts plus text fields) to disk with busboy: at most
 * HELD_PART_BYTES of a file (a zip, or a single script) is held in memory (saveFilePart),
 * and reading stops as soon as the files pass the size limit. One `file` is one job; a script may send up to
 * MAX_ZIPS_PER_REQUEST of them at once (the `qm` command does), which saves the cost of
 * a request per job.
 */
import fs from "node:fs";
import path from "node:path";
import { Readable } from "node:stream";
import { pipeline } from "node:stream/promises";
import type { ReadableStream as NodeWebStream } from "node:stream/web";
import busboy from "busboy";
import { AppError } from "../core/app-error";
import { formatBytes } from "../core/format";
import { diskFull } from "../server/disk-space";

export interface ReceivedZip {
  zipPath: string;
  /** The file name the client gave (only its last path segment). */
  zipName: string;
}

export interface ReceivedUpload {
  /** In the order sent. */
  zips: ReceivedZip[];
  fields: Record<string, string>;
}

export const MAX_ZIPS_PER_REQUEST = 100;

/** A file part up to this size is held in memory and written in one call; a larger one streams to disk. */
const HELD_PART_BYTES = 1024 * 1024;

const FIELD_NAMES = new Set(["e_mail", "info", "nb_proc", "nb_gpu", "priority", "hold", "after_ok", "after_any", "array"]);
/** Longest value a form field may have (info is the longest one used, up to 1,000 characters). */
const MAX_FIELD_BYTES = 16 * 1024;

export function tooLargeError(maxBytes: number): AppError {
  return new AppError(
    "TOO_LARGE",
    `The file is larger than the ${formatBytes(maxBytes)} allowed (Max_Upload_MB in QMserv.cfg); leave large inputs on the server or ask the administrator to raise the limit`,
  );
}

/** Receive the zips into `workDir/upload-<n>.zip`; at most `maxBytes` in all. The caller removes `workDir`. */
export async function receiveZipUpload(request: Request, workDir: string, maxBytes: number): Promise<ReceivedUpload> {
  const contentType = request.headers.get("content-type") ?? "";
  if (!/^multipart\/form-data/i.test(contentType) || !request.body) {
    throw new AppError("INVALID_INPUT", "Send the job as multipart/form-data with the zip (or script) in a field named file (curl -F file=@job.zip ...)");
  }
  // A declared length far beyond the limit is refused before a byte is read.
  const declared = Number(request.headers.get("content-length"));
  if (Number.isFinite(declared) && declared > maxBytes + 1024 * 1024) throw tooLargeError(maxBytes);

  const fields: Record<string, string> = {};
  const zips: ReceivedZip[] = [];
  const written: Promise<void>[] = [];
  let received = 0;
  const body = Readable.fromWeb(request.body as unknown as NodeWebStream<Uint8Array>);
  let parser: busboy.Busboy;
  try {
    parser = busboy({
      headers: { "content-type": contentType },
      // Browsers and curl send a file's name as raw UTF-8 bytes; busboy would read them as
      // Latin-1 (été.sh came out as a job named Ã_tÃ_).
      defParamCharset: "utf8",
      limits: { files: MAX_ZIPS_PER_REQUEST, fileSize: maxBytes, fields: 16, fieldSize: MAX_FIELD_BYTES, parts: MAX_ZIPS_PER_REQUEST + 16 },
    });
  } catch (error) {
    // A Content-Type written by hand (-H 'content-type: multipart/form-data'): busboy throws at once.
    throw new AppError("INVALID_INPUT", `Content-Type multipart/form-data needs a boundary (${(error as Error).message}); let curl -F or the browser's form write that header rather than setting it yourself`);
  }

  return new Promise<ReceivedUpload>((resolve, reject) => {
    let settled = false;
    const fail = (error: unknown) => {
      if (settled) return;
      settled = true;
      // Once the files being written are closed (or after a second), so that the caller
      // can remove the folder they are in.
      const stop = new Promise((r) => setTimeout(r, 1000).unref());
      void Promise.race([Promise.allSettled(written), stop]).then(() => reject(error));
      // Not synchronously: busboy may be inside the emit of 'limit' and still use its state.
      setImmediate(() => {
        body.unpipe(parser);
        body.destroy();
        parser.destroy();
      });
    };
    parser.on("file", (name, file, info) => {
      if (name !== "file") {
        file.resume();
        return;
      }
      const zipPath = path.join(workDir, `upload-${zips.length}.zip`);
      zips.push({ zipPath, zipName: path.basename((info.filename || "job.zip").replace(/\\/g, "/")) });
      file.on("limit", () => fail(tooLargeError(maxBytes)));
      file.on("data", (chunk: Buffer) => {
        received += chunk.length;
        if (received > maxBytes) fail(tooLargeError(maxBytes));
      });
      const write = saveFilePart(file, zipPath);
      write.catch((error: NodeJS.ErrnoException) => fail(error.code === "ENOSPC" || error.code === "EDQUOT" ? diskFull() : error));
      written.push(write);
    });
    parser.on("field", (name, value, info) => {
      if (info.valueTruncated) fail(new AppError("INVALID_INPUT", `The field ${name} is too long (more than ${MAX_FIELD_BYTES / 1024} KB)`, { [name]: "too long" }));
      // A file sent as text (curl -F 'file=...' instead of -F 'file=@job.zip'): say so.
      else if (name === "file") fail(new AppError("INVALID_INPUT", "The field file holds text, not a file: send the zip or script as a file (curl -F file=@job.zip)", { file: "text, not a file" }));
      // Given twice, one would be dropped silently (two array ranges: which one ran?).
      else if (Object.hasOwn(fields, name)) fail(new AppError("INVALID_INPUT", `The field ${name} is given twice; send it once`, { [name]: "given twice" }));
      else if (FIELD_NAMES.has(name)) fields[name] = value;
      // Refused rather than ignored: a script asking for something this server cannot do
      // (hold, array...) must not see its job queued as if it had.
      else fail(new AppError("INVALID_INPUT", `This QueueManager does not know the form field "${name}"; it knows ${[...FIELD_NAMES, "file"].join(", ")}`, { [name]: "unknown field" }));
    });
    parser.on("filesLimit", () => fail(new AppError("INVALID_INPUT", `Send at most ${MAX_ZIPS_PER_REQUEST} files in one request (one per job: a zip, or a single script)`)));
    parser.on("partsLimit", () => fail(new AppError("INVALID_INPUT", "The form has too many fields")));
    parser.on("error", () => fail(new AppError("INVALID_INPUT", "The upload was cut off or is not valid multipart/form-data; try again")));
    parser.on("close", () => {
      if (settled) return;
      if (zips.length === 0) {
        fail(new AppError("INVALID_INPUT", "No file was sent; choose a .zip of the job folder, or a single script with #QM lines (form field file)"));
        return;
      }
      Promise.all(written).then(() => {
        if (settled) return;
        settled = true;
        resolve({ zips, fields });
      }, fail);
    });
    body.on("error", () => fail(new AppError("INVALID_INPUT", "The upload was interrupted; try again")));
    body.pipe(parser);
  });
}

/**
 * Write one file part to `file` (created, never overwritten). A small part, which most jobs
 * are, is held and written in one call when it ends: a write stream costs a thread-pool
 * round trip for its open, each write and its close (about 1 ms in all per upload on a
 * loaded machine). Past HELD_PART_BYTES what was held is written first and the rest streams.
 */
export function saveFilePart(part: Readable, file: string): Promise<void> {
  return new Promise<void>((resolve, reject) => {
    const held: Buffer[] = [];
    let heldBytes = 0;
    const onData = (chunk: Buffer) => {
      held.push(chunk);
      heldBytes += chunk.length;
      if (heldBytes <= HELD_PART_BYTES) return;
      part.off("data", onData).off("end", onEnd).off("error", reject).off("close", onClose);
      const out = fs.createWriteStream(file, { flags: "wx" });
      for (const chunk of held.splice(0)) out.write(chunk);
      pipeline(part, out).then(resolve, reject);
    };
    const onEnd = () => {
      try {
        fs.writeFileSync(file, Buffer.concat(held), { flag: "wx" });
        resolve();
      } catch (error) {
        reject(error);
      }
    };
    // Closed before its end (the request cut off, the parser stopped): nothing is written.
    const onClose = () => reject(new Error("the file part was cut off"));
    part.on("data", onData).once("end", onEnd).once("error", reject).once("close", onClose);
  });
}
