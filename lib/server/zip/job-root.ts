/**
 * Where the job sits in an extracted zip: at its top level, or inside one top folder
 * (what `zip -r job.zip myjob` makes). The job's name comes from that folder, or from
 * the zip's file name.
 */
import fs from "node:fs";
import path from "node:path";
import { AppError } from "../../core/app-error";

export interface JobRoot {
  /** The folder that holds the info file. */
  dir: string;
  /** The job's folder name, sanitised. */
  name: string;
}

export function findJobRoot(extracted: string, jobFile: string, zipFileName: string): JobRoot {
  if (isFile(path.join(extracted, jobFile))) return { dir: extracted, name: sanitizeJobName(zipFileName.replace(/\.zip$/i, "")) };
  const top = fs.readdirSync(extracted, { withFileTypes: true });
  if (top.length === 0) throw new AppError("INVALID_INPUT", "The zip is empty; zip the job folder (its info file, script and data)");
  if (top.length === 1 && top[0].isDirectory()) {
    const dir = path.join(extracted, top[0].name);
    if (isFile(path.join(dir, jobFile))) return { dir, name: sanitizeJobName(top[0].name) };
    throw new AppError(
      "INVALID_INPUT",
      `The folder "${top[0].name}" in the zip has no ${jobFile}; add an info file named ${jobFile} with a [QMOptions] section and a "script = ..." line`,
    );
  }
  throw new AppError(
    "INVALID_INPUT",
    `The zip has no ${jobFile} at its top level (nor inside a single top folder); add an info file named ${jobFile} with a [QMOptions] section and a "script = ..." line`,
  );
}

function isFile(file: string): boolean {
  try {
    return fs.lstatSync(file).isFile();
  } catch {
    return false;
  }
}

/** A folder name safe for QM_qJobs: letters, digits, `._+-`; never hidden, never empty. */
export function sanitizeJobName(raw: string): string {
  const name = raw
    .normalize("NFC")
    .replace(/[^\p{L}\p{N}._+-]+/gu, "_")
    .replace(/^[._-]+/, "")
    .slice(0, 80)
    .replace(/[._]+$/, "");
  return name || "job";
}
