/**
 * A started run's pid and details (Job.runInfo), written a moment after its start together
 * with those of the runs started meanwhile (one transaction for a burst of starts, not one
 * each), or not at all when the run has ended first: its end carries them. Only for an
 * executor that finds a run again without them (Executor.findsUnrecordedRuns: the local
 * one, by the token its processes carry); the others' are written at once. A worker that
 * dies in between loses nothing a restart needs: the claim recorded the run's token and what
 * it holds (docs/worker.md, "Crash safety").
 */
import type { JobPatch } from "../lib/core/job-lifecycle";
import type { Guard, JobStore } from "../lib/server/store/job-store";
import type { Log } from "../lib/server/logger";

/** How long a start's record may wait for others. */
const RECORD_DELAY_MS = 50;

type RunPatch = Pick<JobPatch, "pid" | "runInfo">;

export interface RunRecords {
  /** Write this run's record soon. */
  later(id: number, guard: Guard, patch: RunPatch): void;
  /** The run has ended: its record if not written yet (then never written by this). */
  take(id: number): RunPatch | undefined;
  /** Write what waits now (the worker stops). */
  flush(): Promise<void>;
}

export function createRunRecords(store: JobStore, log: Log, delayMs = RECORD_DELAY_MS): RunRecords {
  const waiting = new Map<number, { guard: Guard; patch: RunPatch }>();
  let timer: NodeJS.Timeout | undefined;
  const flush = async () => {
    clearTimeout(timer);
    timer = undefined;
    const updates = [...waiting].map(([id, { guard, patch }]) => ({ id, guard, patch }));
    waiting.clear();
    if (!updates.length) return;
    try {
      await store.updateMany(updates);
    } catch (error) {
      // The runs go on; their ends are recorded, and a restart finds them by their token.
      log.warn(`cannot record the processes of ${updates.length} started run(s): ${error instanceof Error ? error.message : String(error)}`);
    }
  };
  return {
    later(id, guard, patch) {
      waiting.set(id, { guard, patch });
      timer ??= setTimeout(() => void flush(), delayMs);
    },
    take(id) {
      const patch = waiting.get(id)?.patch;
      waiting.delete(id);
      return patch;
    },
    flush,
  };
}
