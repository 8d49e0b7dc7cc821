/** Job folders and timestamps shared by the workloads. */
import fs from "node:fs";
import path from "node:path";
import { writeJob } from "./qm-instance";
import { waitFor } from "./stats";

/** A script that records, as its first instruction, the wall clock in ns into `file`. */
export function stampScript(file: string): string {
  return `date +%s%N > '${file}'`;
}

export async function readStamp(file: string, timeoutMs = 30_000): Promise<bigint> {
  return waitFor(() => {
    try {
      const text = fs.readFileSync(file, "utf8").trim();
      return text ? BigInt(text) : null;
    } catch {
      return null;
    }
  }, timeoutMs, `the job's time stamp ${path.basename(file)}`, 1);
}

/** Prepare `count` job folders under `srcDir`, each recording its start into stampsDir. */
export function prepareStampJobs(srcDir: string, stampsDir: string, count: number, prefix: string, options: { priority?: number } = {}): string[] {
  sharedDir(stampsDir);
  return Array.from({ length: count }, (_, i) => {
    const name = `${prefix}-${i}`;
    writeJob(path.join(srcDir, name), stampScript(path.join(stampsDir, `${name}.ns`)), {}, options);
    return name;
  });
}

export const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** A folder every job may write into (jobs of a root worker run as unprivileged uids). */
export function sharedDir(dir: string): string {
  fs.mkdirSync(dir, { recursive: true });
  fs.chmodSync(dir, 0o1777);
  return dir;
}
