/**
 * Stream a multipart upload (`file` plus text fields) to disk with busboy: the file (a
 * zip, or a single script) is never held in memory, and reading stops as soon as it
 * passes the size limit.
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

export interface ReceivedUpload {
  zipPath: string;
  /** The file name the client gave (only its last path segment). */
  zipName: string;
  fields: Record<string, string>;
}

const FIELD_NAMES = new Set(["e_mail", "info", "nb_proc", "priority", "hold", "after_ok", "after_any", "array"]);

export function tooLargeError(maxBytes: number): AppError {
  return new AppError(
    "TOO_LARGE",
    `The file is larger than the ${formatBytes(maxBytes)} allowed (Max_Upload_MB in QMserv.cfg); leave large inputs on the server or ask the administrator to raise the limit`,
  );
}

/** Receive the upload into `workDir/upload.zip`. The caller removes `workDir`. */
export async function receiveZipUpload(request: Request, workDir: string, maxBytes: number): Promise<ReceivedUpload> {
  const contentType = request.headers.get("content-type") ?? "";
  if (!/^multipart\/form-data/i.test(contentType) || !request.body) {
    throw new AppError("INVALID_INPUT", "Send the job as multipart/form-data with the zip (or script) in a field named file (curl -F file=@job.zip ...)");
  }
  // A declared length far beyond the limit is refused before a byte is read.
  const declared = Number(request.headers.get("content-length"));
  if (Number.isFinite(declared) && declared > maxBytes + 1024 * 1024) throw tooLargeError(maxBytes);

  const zipPath = path.join(workDir, "upload.zip");
  const fields: Record<string, string> = {};
  let zipName: string | undefined;
  let written: Promise<void> | undefined;
  const body = Readable.fromWeb(request.body as unknown as NodeWebStream<Uint8Array>);
  const parser = busboy({
    headers: { "content-type": contentType },
    limits: { files: 1, fileSize: maxBytes, fields: 16, fieldSize: 16 * 1024, parts: 18 },
  });

  return new Promise<ReceivedUpload>((resolve, reject) => {
    let settled = false;
    const fail = (error: unknown) => {
      if (settled) return;
      settled = true;
      reject(error);
      // Not synchronously: busboy may be inside the emit of 'limit' and still use its state.
      setImmediate(() => {
        body.unpipe(parser);
        body.destroy();
        parser.destroy();
      });
    };
    parser.on("file", (name, file, info) => {
      if (name !== "file" || zipName !== undefined) {
        file.resume();
        return;
      }
      zipName = path.basename((info.filename || "job.zip").replace(/\\/g, "/"));
      file.on("limit", () => fail(tooLargeError(maxBytes)));
      written = pipeline(file, fs.createWriteStream(zipPath, { flags: "wx" }));
      written.catch((error: NodeJS.ErrnoException) => fail(error.code === "ENOSPC" || error.code === "EDQUOT" ? diskFull() : error));
    });
    parser.on("field", (name, value, info) => {
      if (info.valueTruncated) fail(new AppError("INVALID_INPUT", `The field ${name} is too long`));
      else if (FIELD_NAMES.has(name)) fields[name] = value;
    });
    parser.on("filesLimit", () => fail(new AppError("INVALID_INPUT", "Send one file per job (a zip, or a single script)")));
    parser.on("partsLimit", () => fail(new AppError("INVALID_INPUT", "The form has too many fields")));
    parser.on("error", () => fail(new AppError("INVALID_INPUT", "The upload was cut off or is not valid multipart/form-data; try again")));
    parser.on("close", () => {
      if (settled) return;
      if (!written || zipName === undefined) {
        fail(new AppError("INVALID_INPUT", "No file was sent; choose a .zip of the job folder, or a single script with #QM lines (form field file)"));
        return;
      }
      written.then(() => {
        if (settled) return;
        settled = true;
        resolve({ zipPath, zipName: zipName!, fields });
      }, fail);
    });
    body.on("error", () => fail(new AppError("INVALID_INPUT", "The upload was interrupted; try again")));
    body.pipe(parser);
  });
}
