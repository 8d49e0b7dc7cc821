/**
 * Pause and resume the whole queue (the administrator, before maintenance): while paused,
 * running jobs finish but nothing new starts. The flag is a Setting row, so it survives
 * restarts of the worker and of the web server; resuming wakes the worker at once.
 */
import type { QmLayout } from "../qm-folders";
import { wakeWorker } from "../wake-worker";
import type { JobStore } from "../store/job-store";
import type { PauseState } from "../store/queue-reads";

/** Pause the queue; paused already, it stays paused as it was (by whom, since when), `changed` false. */
export async function pauseQueue(store: JobStore, by: string): Promise<{ paused: PauseState; changed: boolean }> {
  const current = await store.readPause();
  if (current) return { paused: current, changed: false };
  const state = { by, at: new Date().toISOString() };
  await store.writePause(state);
  return { paused: state, changed: true };
}

/** Resume the queue; false when it was not paused. */
export async function resumeQueue(store: JobStore, layout: QmLayout): Promise<boolean> {
  const wasPaused = (await store.readPause()) !== null;
  await store.writePause(null);
  await wakeWorker(store.sql, layout);
  return wasPaused;
}
