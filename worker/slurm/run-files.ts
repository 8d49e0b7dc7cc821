/**
 * The files runs leave in QM_FOLDER/.qm/runs, read as one listing: exit records (written
 * by each run's wrapper on its node) and walltime marks. The folder is listed before any
 * file is opened: on NFS, a listing revalidates the directory, whereas opening a name
 * may trust a cached "no such file" for a minute after another host created it.
 */
import fs from "node:fs";
import path from "node:path";
import { type ExitRecord, exitRecordName, parseExitRecord } from "../../lib/core/exit-record";
import { timeoutMarkName } from "./sbatch-command";

export interface RunFiles {
  /** The run's exit record, or null when there is none (or it is incomplete). */
  record(runToken: string): ExitRecord | null;
  /** The run's wrapper got the walltime warning. */
  timeoutMarked(runToken: string): boolean;
}

export function readRunFiles(runsDir: string): RunFiles {
  let names: Set<string>;
  try {
    names = new Set(fs.readdirSync(runsDir));
  } catch {
    names = new Set();
  }
  return {
    record(runToken) {
      const name = exitRecordName(runToken);
      if (!names.has(name)) return null;
      try {
        return parseExitRecord(fs.readFileSync(path.join(runsDir, name), "utf8"));
      } catch {
        return null;
      }
    },
    timeoutMarked: (runToken) => names.has(timeoutMarkName(runToken)),
  };
}

/** The walltime mark has served once the run's end is reported (the exit record is the runner's to remove). */
export function removeTimeoutMark(runsDir: string, runToken: string): void {
  fs.rmSync(path.join(runsDir, timeoutMarkName(runToken)), { force: true });
}
