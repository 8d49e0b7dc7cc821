/**
 * What a job's results strip shows: the files named by the `results` key of its info
 * file (`results = fit.png, plots/*.png`), or else the pictures in its folder and in its
 * subfolders one level down. Folders are read through descriptors opened from QM_FOLDER
 * down with no link followed (open-beneath.ts), and only regular files are listed; the
 * pictures themselves are read later through the file routes, which judge each one. What
 * the job keeps from others (private-entries.ts) is shown only to its owner and the
 * administrator: others would see a picture refused.
 */
import fs from "node:fs";
import type { ResultsAnswer } from "../../core/api-types";
import { fileKindOf, isPicture } from "../../core/file-kinds";
import { RESULTS_KEY, matchesPattern, resultPatterns } from "../../core/results-key";
import { DIR_FLAGS, openBeneath } from "../open-beneath";
import { type JobFolderAccess, segmentsFromBase } from "./job-folder";
import { privateRefusalOf } from "./private-entries";

/** Files listed at most (a strip shows fewer). */
export const MAX_RESULTS = 12;
const MAX_NAMES = 20_000;
const MAX_SUBFOLDERS = 50;

interface Listing {
  files: string[];
  folders: string[];
}

/** The regular files and folders in `rel` (a folder of the job), or null when it cannot be opened. */
async function listFolder(access: JobFolderAccess, rel: string): Promise<Listing | null> {
  const segments = [...segmentsFromBase(access, access.root), ...rel.split("/").filter(Boolean)];
  const opened = await openBeneath(access.base, segments, DIR_FLAGS).catch(() => null);
  if (!opened) return null;
  try {
    const entries = await fs.promises.readdir(`/proc/self/fd/${opened.handle.fd}`, { withFileTypes: true });
    const prefix = rel ? `${rel}/` : "";
    const named = entries.slice(0, MAX_NAMES).filter((e) => !(rel === "" && access.hidden.includes(e.name)));
    const sorted = (list: typeof named) => list.map((e) => `${prefix}${e.name}`).sort((a, b) => a.localeCompare(b, undefined, { numeric: true }));
    return { files: sorted(named.filter((e) => e.isFile())), folders: sorted(named.filter((e) => e.isDirectory())) };
  } finally {
    await opened.handle.close();
  }
}

const answer = (paths: string[], source: ResultsAnswer["source"]): ResultsAnswer => ({
  files: paths.slice(0, MAX_RESULTS).map((path) => ({ path, kind: fileKindOf(path) })),
  more: Math.max(0, paths.length - MAX_RESULTS),
  source,
});

/** The files of `results = ...`, in the order named. */
async function namedResults(access: JobFolderAccess, patterns: string[]): Promise<string[]> {
  const folders = new Map<string, Listing | null>();
  const found: string[] = [];
  for (const pattern of patterns) {
    const folder = pattern.includes("/") ? pattern.slice(0, pattern.lastIndexOf("/")) : "";
    if (!folders.has(folder)) folders.set(folder, /[*?]/.test(folder) ? null : await listFolder(access, folder));
    for (const file of folders.get(folder)?.files ?? []) if (matchesPattern(pattern, file) && !found.includes(file)) found.push(file);
  }
  return found;
}

/** The pictures at the top of the job folder, then in its subfolders. */
async function pictures(access: JobFolderAccess): Promise<string[]> {
  const top = await listFolder(access, "");
  if (!top) return [];
  const found = top.files.filter(isPicture);
  for (const folder of top.folders.slice(0, MAX_SUBFOLDERS)) {
    found.push(...((await listFolder(access, folder))?.files.filter(isPicture) ?? []));
  }
  return found;
}

/**
 * `paths` without those this viewer may not open, up to the MAX_RESULTS shown; the rest,
 * counted in `more`, are not looked at (a folder of thousands of pictures stays quick).
 */
async function servedOf(access: JobFolderAccess, paths: string[]): Promise<string[]> {
  if (access.privateServed) return paths;
  const served: string[] = [];
  let next = 0;
  while (next < paths.length && served.length < MAX_RESULTS) {
    const p = paths[next++];
    if (!(await privateRefusalOf(access, p))) served.push(p);
  }
  return [...served, ...paths.slice(next)];
}

/** The strip of a job whose info keys are `params` (JSON of its info file). */
export async function findResults(access: JobFolderAccess, params: Record<string, string>): Promise<ResultsAnswer> {
  const patterns = resultPatterns(params[RESULTS_KEY]);
  if (patterns.length) return answer(await servedOf(access, await namedResults(access, patterns)), "results-key");
  return answer(await servedOf(access, await pictures(access)), "pictures");
}
