/**
 * `Job_Uids`: the uids a worker running as root hands to jobs (worker/local/identity.ts).
 * The rule in one place: the worker reads it when it starts, and the admin page checks an
 * edit with it, so a typo is refused when saved rather than stopping the queue at the
 * next start.
 */

/** Above this a uid is not one Linux hands out (4294967295 is "no uid"). */
const MAX_UID = 4_000_000_000;
const EXAMPLE = "like 61000-61999";

/** `61000-61999` -> [61000, 61999]; throws, saying what to write, on anything else. */
export function parseUidRange(text: string): [number, number] {
  const m = /^\s*(\d+)\s*-\s*(\d+)\s*$/.exec(text);
  if (!m) throw new Error(`Job_Uids must be a range of uids, first-last, ${EXAMPLE} (got "${text}")`);
  const [low, high] = [Number(m[1]), Number(m[2])];
  // Below 1000 are the system's own accounts (Debian's FIRST_UID is 1000).
  if (low < 1000) throw new Error(`Job_Uids must be a range of uids of 1000 or more, ${EXAMPLE} (got "${text}")`);
  if (high < low) throw new Error(`Job_Uids must give the lower uid first, ${EXAMPLE} (got "${text}")`);
  if (high > MAX_UID) throw new Error(`Job_Uids must end at ${MAX_UID} or less, ${EXAMPLE} (got "${text}")`);
  return [low, high];
}
