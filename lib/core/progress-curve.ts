/**
 * Progress over time: which samples the worker keeps, and the time left read from the
 * curve. process.log has no time stamps, so the worker records (time, percent) when the
 * percent changes (ProgressSample rows); the job page charts them.
 */

/** One point of the curve. */
export interface ProgressPoint {
  atMs: number;
  percent: number;
}

/** Fewer samples as a run gets longer: at most about 500 per tenfold of its duration. */
const THINNING = 500;

/**
 * Whether a changed percent is worth a new sample: at least 1 s after the previous one,
 * and at least 1/500 of the time since the first; always at 100 %. A three-day run keeps
 * about 4,000 samples, whatever its log prints.
 */
export function isSampleDue(first: number | undefined, last: number | undefined, nowMs: number, percent: number): boolean {
  if (first === undefined || last === undefined || percent >= 100) return true;
  return nowMs - last >= Math.max(1000, (nowMs - first) / THINNING);
}

/** The part of the curve that sets the pace: its last quarter, at least 3 points. */
const PACE_SHARE = 0.25;
const PACE_MIN_POINTS = 3;

/**
 * Time left, from the pace of the recent part of the curve (least squares over its
 * points), rather than the straight line from the start: a run that sped up or slowed
 * down is judged by how it goes now. Null with too few points or no progress in them.
 */
export function remainingFromCurve(points: ProgressPoint[], nowMs: number): number | null {
  if (points.length < 2) return null;
  const last = points[points.length - 1];
  if (last.percent >= 100) return 0;
  const span = last.atMs - points[0].atMs;
  const from = last.atMs - span * PACE_SHARE;
  let recent = points.filter((p) => p.atMs >= from);
  if (recent.length < PACE_MIN_POINTS) recent = points.slice(-PACE_MIN_POINTS);
  const n = recent.length;
  const meanT = recent.reduce((s, p) => s + p.atMs, 0) / n;
  const meanP = recent.reduce((s, p) => s + p.percent, 0) / n;
  let num = 0;
  let den = 0;
  for (const p of recent) {
    num += (p.atMs - meanT) * (p.percent - meanP);
    den += (p.atMs - meanT) ** 2;
  }
  const perMs = den > 0 ? num / den : 0;
  if (!(perMs > 0)) return null;
  // Measured from the last sample: time since then has been spent on the rest.
  return Math.max(0, (100 - last.percent) / perMs - (nowMs - last.atMs));
}
