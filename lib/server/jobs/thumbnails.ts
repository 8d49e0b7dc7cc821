/**
 * Pictures of a job made smaller, for results strips (`thumb`) and for showing large
 * images (`preview`). Each is made once, by a process of its own (thumbnailer.mjs, with
 * sharp: prebuilt for Linux from the npm registry, nothing to compile) fed the file's
 * descriptor as opened and judged by job-files.ts, and cached under
 * QM_FOLDER/.qm/thumbs/<job id>/: its name hashes the file's path, identity, size and
 * time, so a file the job rewrites gets a new one. A file that cannot be made smaller
 * is remembered too (`.err`), so it is not tried again. Two are made at a time.
 */
import { type ChildProcessByStdio, spawn } from "node:child_process";
import crypto from "node:crypto";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import type { Readable } from "node:stream";
import { AppError } from "../../core/app-error";
import { formatBytes } from "../../core/format";
import { shownPath } from "../../core/name-bytes";
import { findProjectRoot } from "../project-root";
import type { QmLayout } from "../qm-folders";
import { createRunLimit } from "../run-limit";
import type { OpenedJobFile } from "./job-files";

/** Longest side, in pixels: strips show thumbs at up to 160 px (twice that on dense screens). */
export const THUMB_SIDES = { thumb: 320, preview: 1600 } as const;
export type ThumbSize = keyof typeof THUMB_SIDES;

const MAX_INPUT_BYTES = 256 * 1024 * 1024;
const MAX_OUTPUT_BYTES = 16 * 1024 * 1024;
const TIMEOUT_MS = 30_000;
const limit = createRunLimit(2, 200, "Pictures are being made smaller for many requests at once; try again in a moment.");
const inFlight = new Map<string, Promise<Buffer>>();
let script: string | undefined;

export interface Thumbnail {
  /** Names this version of the picture (the ETag). */
  tag: string;
  data: Buffer;
}

/** The cache folder of a job's thumbnails (removed with the job). */
export const thumbnailFolder = (layout: QmLayout, jobId: number) => path.join(layout.internal, "thumbs", String(jobId));

/** Names the thumbnail of this version of the file (also its ETag). */
export function thumbnailTag({ rel, stat }: OpenedJobFile, size: ThumbSize): string {
  return crypto.createHash("sha256").update(JSON.stringify([rel, stat.dev, stat.ino, stat.size, stat.mtimeMs, stat.ctimeMs, THUMB_SIDES[size]])).digest("hex").slice(0, 32);
}

/** The thumbnail of an opened picture, from the cache or made now. The caller closes `opened`. */
export async function thumbnailOf(layout: QmLayout, jobId: number, opened: OpenedJobFile, size: ThumbSize, signal?: AbortSignal): Promise<Thumbnail> {
  const { stat, rel } = opened;
  const tag = thumbnailTag(opened, size);
  const file = path.join(thumbnailFolder(layout, jobId), `${tag}.webp`);
  const cached = await fs.promises.readFile(file).catch(() => null);
  if (cached) return { tag, data: cached };
  const failed = await fs.promises.readFile(`${file.slice(0, -5)}.err`, "utf8").catch(() => null);
  if (failed !== null) throw cannotShow(rel, failed);
  if (stat.size > MAX_INPUT_BYTES) throw new AppError("TOO_LARGE", `"${shownPath(rel)}" is ${formatBytes(stat.size)}, too large to be shown here; download it.`);
  let making = inFlight.get(file);
  if (!making) {
    making = limit.run(() => makeThumbnail(opened.handle.fd, THUMB_SIDES[size], file, rel), signal).finally(() => inFlight.delete(file));
    inFlight.set(file, making);
  }
  return { tag, data: await making };
}

const cannotShow = (rel: string, why: string) => new AppError("INVALID_INPUT", `"${shownPath(rel)}" cannot be shown as a picture: ${why}. Download it instead.`);

async function makeThumbnail(fd: number, side: number, file: string, rel: string): Promise<Buffer> {
  script ??= path.join(findProjectRoot(process.cwd()), "lib/server/jobs/thumbnailer.mjs");
  const child = spawn(process.execPath, ["--max-old-space-size=96", script, String(side)], {
    stdio: [fd, "pipe", "pipe"],
    env: { PATH: process.env.PATH ?? "/usr/bin:/bin", NODE_ENV: "production" }, // nothing of the server's environment
  }) as ChildProcessByStdio<null, Readable, Readable>;
  try {
    if (child.pid) os.setPriority(child.pid, 10); // after the pages and the API
  } catch {
    // not allowed: it runs at the server's priority
  }
  const out: Buffer[] = [];
  let outBytes = 0;
  let err = "";
  child.stdout.on("data", (b: Buffer) => ((outBytes += b.length) > MAX_OUTPUT_BYTES ? child.kill("SIGKILL") : out.push(b)));
  child.stderr.on("data", (b: Buffer) => (err = (err + b.toString()).slice(0, 500)));
  const timer = setTimeout(() => child.kill("SIGKILL"), TIMEOUT_MS);
  const [code, signal] = await new Promise<[number | null, NodeJS.Signals | null]>((resolve) => {
    child.on("error", (e) => ((err = e.message), resolve([null, null])));
    child.on("close", (c, s) => resolve([c, s]));
  });
  clearTimeout(timer);
  if (code === 0) {
    const data = Buffer.concat(out);
    await keep(file, data);
    return data;
  }
  if (signal) throw new AppError("UNAVAILABLE", `Making "${shownPath(rel)}" smaller took too long or too much memory; try again later, or download it.`);
  const why = /unsupported image format|bad seek|corrupt|premature|VipsJpeg|pngload|gifload|webpload/i.test(err) ? "it is not a picture QueueManager can read (damaged, or another format than its name says)" : err.trim() || `exit code ${code}`;
  await keep(`${file.slice(0, -5)}.err`, why);
  throw cannotShow(rel, why);
}

/** Write into the cache atomically; a cache that cannot be written only costs a remake. */
async function keep(file: string, data: Buffer | string): Promise<void> {
  try {
    await fs.promises.mkdir(path.dirname(file), { recursive: true });
    const temp = `${file}.${process.pid}.${crypto.randomBytes(4).toString("hex")}`;
    await fs.promises.writeFile(temp, data);
    await fs.promises.rename(temp, file);
  } catch (error) {
    console.error(`[thumbs] cannot cache ${file}: ${(error as Error).message}`);
  }
}
