/**
 * The PATH the worker runs its own commands with (setpriv, ipcrm, sbatch... as root) and
 * hands to every job. It starts as whatever the worker was started with, and npm adds a
 * `node_modules/.bin` for every folder above the project: started from /tmp/qm that puts
 * /tmp/node_modules/.bin, a folder anyone may create, before /usr/bin. A lab member who
 * made it first with a `python3` or `setpriv` in it would run their program as every job,
 * or as root. So an entry stays only if nobody but root and the service could change what
 * it holds (the rule of lib/server/real-path.ts walkPath, as OpenSSH's StrictModes judges
 * a home folder); relative entries (the job's own folder, for a job) go too.
 */
import path from "node:path";
import { unreachableForJobs } from "./protect-files";
import { walkPath } from "./real-path";
import { SERVICE_ENV } from "./service-env";

/** What is left when no entry may stay: Debian's default for root. */
export const FALLBACK_PATH = "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin";

export interface SearchPath {
  /** The entries kept, in their order. */
  path: string;
  /** Each entry left out, with why. */
  dropped: { entry: string; why: string }[];
  /** Entries kept that a job of another uid (a pool uid: its own gid, no other group) cannot search: "Permission denied" for what they hold. */
  closedToJobs: string[];
}

/** Judge each entry of `value` (a PATH) for the accounts `trusted` (lib/server/real-path.ts trustedUids). */
export function safeSearchPath(value: string, trusted: Set<number>): SearchPath {
  const kept: string[] = [];
  const dropped: SearchPath["dropped"] = [];
  const closedToJobs: string[] = [];
  for (const entry of value.split(":")) {
    if (kept.includes(entry) || dropped.some((d) => d.entry === entry)) continue;
    if (!path.isAbsolute(entry)) {
      dropped.push({ entry, why: entry ? "a relative folder, which for a job means its own folder" : "an empty entry, which means the current folder (a job's own)" });
      continue;
    }
    const openTo = walkPath(entry, trusted).openTo;
    if (openTo) {
      dropped.push({ entry, why: openTo });
      continue;
    }
    kept.push(entry);
    if (unreachableForJobs(entry).length) closedToJobs.push(entry);
  }
  return { path: kept.length ? kept.join(":") : FALLBACK_PATH, dropped, closedToJobs };
}

/**
 * The environment a job starts with: the worker's, without what is the service's own
 * (QM_* settings, DATABASE_URL, the process tuning of service-env.ts, npm's run-time
 * variables such as npm_config_*, which may hold a registry token) and with `searchPath`
 * for PATH.
 */
export function jobEnvironment(env: Record<string, string | undefined>, searchPath: string): NodeJS.ProcessEnv {
  const kept = Object.entries(env).filter(([k]) => !k.startsWith("QM_") && k !== "DATABASE_URL" && !Object.hasOwn(SERVICE_ENV, k) && !/^npm_/i.test(k) && k !== "INIT_CWD");
  const jobs: Record<string, string | undefined> = Object.fromEntries(kept);
  jobs.PATH = searchPath;
  return jobs as NodeJS.ProcessEnv;
}
