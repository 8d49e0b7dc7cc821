/**
 * Pause and resume the whole queue (the administrator, before maintenance): while paused,
 * running jobs finish but nothing new starts. The flag is a Setting row, so it survives
 * restarts of the worker and of the web server; resuming wakes the worker at once.
 */
import type { QmLayout } from "../qm-folders";
import { wakeWorker } from "../wake-worker";
import type { JobStore } from "../store/job-store";
import type { PauseState } from "../store/queue-reads";

export async function pauseQueue(store: JobStore, by: string): Promise<PauseState> {
  const current = await store.readPause();
  if (current) return current;
  const state = { by, at: new Date().toISOString() };
  await store.writePause(state);
  return state;
}

export async function resumeQueue(store: JobStore, layout: QmLayout): Promise<void> {
  await store.writePause(null);
  await wakeWorker(store.sql, layout);
}
