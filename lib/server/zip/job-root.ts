/**
 * Where the job sits in an extracted zip: inside one top folder (what `zip -r job.zip
 * myjob` makes), or at its top level (an info file and a script, or a single script with
 * #QM lines, zipped as they are). The job's name comes from that folder, or from the
 * zip's file name.
 */
import fs from "node:fs";
import path from "node:path";
import { AppError } from "../../core/app-error";

export interface JobRoot {
  /** The job folder. */
  dir: string;
  /** The job's folder name, sanitised. */
  name: string;
  /** How messages name it: `The folder "x" in the zip`, `The zip`. */
  where: string;
}

export function findJobRoot(extracted: string, zipFileName: string): JobRoot {
  const top = fs.readdirSync(extracted, { withFileTypes: true });
  if (top.length === 0) throw new AppError("INVALID_INPUT", "The zip is empty; zip the job folder (its info file, script and data)");
  if (top.length === 1 && top[0].isDirectory()) {
    return { dir: path.join(extracted, top[0].name), name: sanitizeJobName(top[0].name), where: `The folder "${top[0].name}" in the zip` };
  }
  return { dir: extracted, name: sanitizeJobName(zipFileName.replace(/\.zip$/i, "")), where: "The zip" };
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
