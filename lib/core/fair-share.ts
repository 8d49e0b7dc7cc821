/**
 * Fair share (QMserv.cfg `Fair_Share = True`, off by default): among queued jobs of equal
 * priority, the owner who used the fewest CPU-seconds in the last `Fair_Share_Window`
 * hours goes first, so one person's sweep of 500 jobs does not lock a colleague out for
 * a day. The order itself is compareQueued in lib/core/schedule.ts.
 *
 * An owner's use = the CPU time measured for their jobs that ended within the window,
 * plus, for each of their jobs running now, processors granted × seconds it has run
 * within the window (its CPU time is only measured at its end). The owner is the
 * account that submitted the job, or else its `e_mail` (lower-cased); jobs with neither
 * share the owner "anonymous".
 */
/** The rule as the job page states it (docs/queue-control.md says the same). */
export function fairShareRule(windowHours: number): string {
  const window = windowHours === 1 ? "hour" : `${windowHours} hours`;
  return `Fair share is on: among queued jobs of equal priority, the owner who used the fewest CPU-seconds in the last ${window} goes first (ended jobs count their measured CPU time, running jobs processors × time so far).`;
}

/** One job's contribution to its owner's use. */
export interface UsageRow {
  ownerKey: string;
  /** Measured CPU time of an ended job; null for a running one. */
  cpuSeconds: number | null;
  /** For running jobs: processors granted and when it started (ms). */
  granted?: number;
  startedAtMs?: number | null;
}

/** CPU-seconds per owner from the rows of the window (ended within it, or running). */
export function ownerUsage(rows: UsageRow[], windowStartMs: number, nowMs: number): Map<string, number> {
  const usage = new Map<string, number>();
  for (const row of rows) {
    const seconds =
      row.cpuSeconds !== null ? row.cpuSeconds : ((row.granted ?? 1) * Math.max(0, nowMs - Math.max(row.startedAtMs ?? nowMs, windowStartMs))) / 1000;
    usage.set(row.ownerKey, (usage.get(row.ownerKey) ?? 0) + seconds);
  }
  return usage;
}
