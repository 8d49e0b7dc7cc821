/**
 * Dispatch's free-space hold: while QM_FOLDER's disk is below Min_Free_MB (bytes) or
 * Min_Free_Inodes (files) no new job starts;
 * running jobs go on (lib/server/disk-space.ts has the rule, the web app refuses uploads by
 * it too). Looked at on every pass (one statfs). While it holds, a pass is retried every
 * few seconds, so dispatch resumes by itself once space returns: no event announces that.
 */
import { diskLowMessage, readDiskSpace } from "../lib/server/disk-space";
import { formatBytes } from "../lib/core/format";
import { type WorkerContext, message } from "./context";

export interface DiskGuard {
  /** True while new starts must wait; says so in the log when that changes. */
  holds(): boolean;
  stop(): void;
}

export function createDiskGuard(ctx: WorkerContext, retry: () => void, retryMs = 5_000): DiskGuard {
  let held = false;
  let shortNow = "";
  let unreadable = false;
  let timer: NodeJS.Timeout | undefined;
  return {
    holds() {
      let space;
      try {
        space = readDiskSpace(ctx.layout.root, ctx.config());
        unreadable = false;
      } catch (error) {
        // Not knowing is no reason to stop the queue; a full disk still fails loudly (ENOSPC).
        if (!unreadable) ctx.log.warn(`cannot read QM_FOLDER's free space: ${message(error)}`);
        unreadable = true;
        return false;
      }
      // Said again when what is short changes (bytes, inodes, both): the remedy differs.
      const short = `${space.lowBytes ? "bytes" : ""}${space.lowInodes ? "inodes" : ""}`;
      if (short !== shortNow) {
        shortNow = short;
        if (short) ctx.log.warn(`no new job starts: ${diskLowMessage(space)}`);
        else if (held) ctx.log.info(`QM_FOLDER's disk has ${space.freeInodes === null ? "" : `${space.freeInodes.toLocaleString("en-US")} free inodes (files) and `}${formatBytes(space.freeBytes)} free again: queued jobs start`);
      }
      held = space.low;
      if (held && !timer) timer = setTimeout(() => ((timer = undefined), retry()), retryMs);
      return held;
    },
    stop: () => clearTimeout(timer),
  };
}
