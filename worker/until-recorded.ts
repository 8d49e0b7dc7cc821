/**
 * A run's end is written to the database after its folder has moved. A database that
 * refuses writes for a while (its disk full: a job can fill QM_FOLDER's disk, which holds
 * the database in the layout of docs/deploy.md; PostgreSQL restarting) must not leave the
 * row `running` until the next worker start, its folder already in QM_dJobs: the write is
 * tried again every few seconds until it works. When the worker stops first it gives up,
 * and the next worker's recovery records the end from the folder (worker/recovery.ts).
 */
import type { Log } from "../lib/server/logger";
import { message } from "./context";

/** Time between two attempts to write a run's end. */
export const RECORD_RETRY_MS = 2_000;

export interface UntilRecordedOptions {
  log: Log;
  job: number;
  /** True once the worker stops: no more attempts. */
  stopping: () => boolean;
  retryMs?: number;
}

export async function untilRecorded<T>(write: () => Promise<T>, opts: UntilRecordedOptions): Promise<T> {
  const retryMs = opts.retryMs ?? RECORD_RETRY_MS;
  for (let failures = 0; ; failures++) {
    try {
      const result = await write();
      if (failures) opts.log.info(`its end is recorded now (${failures} attempt${failures === 1 ? "" : "s"} refused by the database)`, { job: opts.job });
      return result;
    } catch (error) {
      if (opts.stopping()) {
        throw new Error(`${message(error)}; the worker stops before its end could be recorded: the next worker records it from its folder`);
      }
      if (!failures) opts.log.warn(`cannot record its end yet: ${message(error)}; trying again every ${retryMs / 1000} s`, { job: opts.job });
      await new Promise((resolve) => setTimeout(resolve, retryMs));
    }
  }
}
