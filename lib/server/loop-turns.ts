/**
 * Walks of a job folder are made of synchronous calls (fast: a few microseconds an entry),
 * but a folder of a million files would hold the process for seconds, past the worker's
 * heartbeat (15 s), its kills and its other runs. Such a walk asks `turns()` at each entry
 * and awaits what it answers: every `every` entries, a turn of the event loop for the rest.
 */
export function loopTurns(every = 2_000): () => Promise<void> | null {
  let steps = 0;
  return () => (++steps % every === 0 ? new Promise((resolve) => setImmediate(resolve)) : null);
}
