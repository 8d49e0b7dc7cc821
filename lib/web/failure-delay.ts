/**
 * A growing delay after failures, per key (in memory: one web process serves
 * QueueManager, and a restart forgets). The first `freeFailures` cost nothing; after
 * that each failure doubles the wait before the key may try again, from `firstDelayMs`
 * up to `maxDelayMs`. A key is forgotten `forgetAfterMs` after its last failure. Nothing
 * is ever locked for longer than `maxDelayMs`.
 */

/** How fast failures slow a key down. */
export interface DelayPolicy {
  freeFailures: number;
  firstDelayMs: number;
  maxDelayMs: number;
  forgetAfterMs: number;
  /**
   * Most keys remembered (memory stays bounded under a flood). Past it the forgotten keys go
   * first, then the least penalised: a key's count is never dropped for newer, lighter ones.
   */
  maxKeys: number;
}

export interface FailureDelay {
  /** Milliseconds `key` must still wait before its next try (0: it may try now). */
  waitMs(key: string, now?: number): number;
  fail(key: string, now?: number): void;
  /** Take back one failure of `key` (a try counted as failed before its outcome was known, which succeeded). */
  unfail(key: string, now?: number): void;
  forget(key: string): void;
  /** The failures counted for `key` now. */
  failures(key: string, now?: number): number;
}

export function createFailureDelay(policy: DelayPolicy): FailureDelay {
  const entries = new Map<string, { failures: number; last: number }>();
  const current = (key: string, now: number) => {
    const entry = entries.get(key);
    if (entry && now - entry.last > policy.forgetAfterMs) {
      entries.delete(key);
      return undefined;
    }
    return entry;
  };
  // Dropping the key that failed longest ago let anyone wipe a hammered account's count (or
  // an address's) by failing once with maxKeys new names or addresses, each try costing one
  // password check. Dropped instead: keys already forgotten, then the tenth of the table
  // with the fewest failures (longest ago first among equals; a stable sort keeps Map
  // order), never the key just failed. A wiped key is then one nobody was slowed down for
  // yet, and a flood sorts the table once per maxKeys / 10 failures, not at each.
  const shrink = (justFailed: string, now: number) => {
    for (const [key, entry] of entries) if (now - entry.last > policy.forgetAfterMs) entries.delete(key);
    const excess = entries.size - (policy.maxKeys - Math.floor(policy.maxKeys / 10));
    if (entries.size <= policy.maxKeys || excess <= 0) return;
    const lightest = [...entries].filter(([key]) => key !== justFailed).sort((a, b) => a[1].failures - b[1].failures);
    for (const [key] of lightest.slice(0, excess)) entries.delete(key);
  };
  const delayAfter = (failures: number) =>
    failures < policy.freeFailures ? 0 : Math.min(policy.firstDelayMs * 2 ** (failures - policy.freeFailures), policy.maxDelayMs);
  return {
    waitMs(key, now = Date.now()) {
      const entry = current(key, now);
      return entry ? Math.max(0, entry.last + delayAfter(entry.failures) - now) : 0;
    },
    fail(key, now = Date.now()) {
      const entry = current(key, now) ?? { failures: 0, last: now };
      entry.failures += 1;
      entry.last = now;
      entries.delete(key); // re-inserted last: Map order is then "least recently failed first"
      entries.set(key, entry);
      if (entries.size > policy.maxKeys) shrink(key, now);
    },
    unfail(key, now = Date.now()) {
      const entry = current(key, now);
      if (entry && --entry.failures <= 0) entries.delete(key);
    },
    forget(key) {
      entries.delete(key);
    },
    failures(key, now = Date.now()) {
      return current(key, now)?.failures ?? 0;
    },
  };
}
