/**
 * Folders put into QM_qJobs by hand (no Job row yet): wait until the copy is finished,
 * then record them as queued jobs, or reject them to QM_lost+found with qm-error.txt.
 *
 * Readiness rule: the folder is quiet when max(ctime of every entry inside, mtime of the
 * folder itself) is at least Settle_Time old. ctime, because `cp -a` restores mtimes but
 * cannot restore ctimes; a folder moved in whole (`mv`) keeps old ctimes and starts at once.
 * A folder holding a process.log (an earlier job put back) also counts its own ctime, so
 * a web requeue, whose row update follows its rename, is never taken for a new drop.
 * A folder is only declared invalid once quiet: a copy in progress may lack its info file.
 */
import fs from "node:fs";
import path from "node:path";
import { isAppError } from "../lib/core/app-error";
import { parseJobInfo } from "../lib/core/job-info";
import { planTransition } from "../lib/core/job-lifecycle";
import { relFolder } from "../lib/server/qm-folders";
import type { WorkerContext } from "./context";
import { rejectFolder } from "./reject";

export interface IntakeDeps extends Pick<WorkerContext, "store" | "layout" | "config" | "log"> {
  /** Called when a new queued row was created. */
  onQueued: () => void;
}

/** Newest change time (ms) in a folder tree, by the readiness rule above. */
export function lastChangeMs(dir: string): number {
  const top = fs.statSync(dir);
  let newest = top.mtimeMs;
  const walk = (d: string) => {
    for (const entry of fs.readdirSync(d, { withFileTypes: true })) {
      const full = path.join(d, entry.name);
      const st = fs.lstatSync(full);
      newest = Math.max(newest, st.ctimeMs);
      if (d === dir && entry.name === "process.log") newest = Math.max(newest, top.ctimeMs);
      if (entry.isDirectory()) walk(full);
    }
  };
  walk(dir);
  return newest;
}

export function createIntake(deps: IntakeDeps) {
  const timers = new Map<string, NodeJS.Timeout>();
  const pending = new Set<string>();
  const warned = new Set<string>();
  let flushing: Promise<void> | null = null;
  let closed = false;

  const schedule = (name: string, delayMs: number) => {
    clearTimeout(timers.get(name));
    timers.set(name, setTimeout(() => (timers.delete(name), check([name])), delayMs));
  };

  const examine = async (name: string): Promise<void> => {
    const dir = path.join(deps.layout.queued, name);
    let quietSince: number;
    try {
      if (!fs.statSync(dir).isDirectory()) {
        if (!warned.has(name)) deps.log(`QM_qJobs/${name} is not a folder: ignored (a job is a folder)`);
        warned.add(name);
        return;
      }
      quietSince = lastChangeMs(dir);
    } catch {
      return; // Gone (started, deleted or moved away) while we looked.
    }
    const config = deps.config();
    const wait = quietSince + config.settleMs - Date.now();
    if (wait > 0) return schedule(name, wait + 20);
    const infoPath = path.join(dir, config.jobFile);
    if (!fs.existsSync(infoPath)) {
      return rejectFolder(deps, name, `There is no ${config.jobFile} in the job folder`, [
        `Add a file named ${config.jobFile} (the job_file of QMserv.cfg) with at least:`,
        ...(config.jobFile.endsWith(".xml") ? ['  <PARAMETER>', '    <script value="python process.py"/>', "  </PARAMETER>"] : ["  [QMOptions]", "  script = python process.py"]),
      ]);
    }
    try {
      const info = parseJobInfo(config.jobFile, fs.readFileSync(infoPath, "utf8"));
      await deps.store.createJob(
        {
          name, owner: info.owner ?? null, info: info.info ?? null, script: info.script, nbProc: info.nbProc, priority: info.priority,
          params: JSON.stringify(info.params), folder: relFolder("queued", name), source: "folder",
        },
        planTransition("submit", null, "queued", {}, "folder dropped into QM_qJobs"),
      );
      deps.onQueued();
    } catch (error) {
      if (!isAppError(error)) throw error;
      await rejectFolder(deps, name, error.message, ["Correct the info file as the message says."]);
    }
  };

  const flush = async () => {
    while (pending.size && !closed) {
      const names = [...pending].filter((n) => fs.existsSync(path.join(deps.layout.queued, n)));
      pending.clear();
      if (!names.length) continue;
      const known = await deps.store.waitingFolders(names.map((n) => relFolder("queued", n)));
      for (const name of names) {
        if (known.has(relFolder("queued", name)) || closed) continue;
        try {
          await examine(name);
        } catch (error) {
          deps.log.warn(`cannot take in QM_qJobs/${name}: ${error instanceof Error ? error.message : String(error)}`);
        }
      }
    }
  };

  /** Look at these names of QM_qJobs soon (batched). */
  function check(names: string[]): Promise<void> {
    for (const name of names) if (!name.startsWith(".")) pending.add(name);
    flushing ??= flush().finally(() => {
      flushing = null;
      if (pending.size && !closed) void check([]);
    });
    return flushing;
  }

  return {
    check,
    /** Look at every folder of QM_qJobs. */
    scanAll: () => check(fs.readdirSync(deps.layout.queued)),
    close() {
      closed = true;
      for (const t of timers.values()) clearTimeout(t);
      timers.clear();
    },
  };
}
