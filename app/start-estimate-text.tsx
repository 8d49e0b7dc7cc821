import { formatDate } from "@/lib/client/format-date";
import type { StartEstimateView } from "@/lib/core/api-types";
import { formatDuration } from "@/lib/core/format";

/** "in ~12 min (14:05)", "about now", or "—" when it cannot be told; `now` is the server's clock. */
export function startPhrase(estimate: StartEstimateView | undefined, now: number): string {
  if (!estimate?.startAt) return "—";
  const inMs = Date.parse(estimate.startAt) - now;
  return inMs < 5_000 ? "about now" : `in ~${formatDuration(inMs)} (${formatDate(estimate.startAt)})`;
}

/** A waiting job's expected start with the reason under it. */
export function StartEstimateText({ estimate, now, testId }: { estimate: StartEstimateView | undefined; now: number; testId?: string }) {
  if (!estimate) return null;
  return (
    <div data-testid={testId}>
      <div className="tabular-nums sm:whitespace-nowrap">{startPhrase(estimate, now)}</div>
      <div className="max-w-xs text-xs text-slate-500">{estimate.reason}</div>
    </div>
  );
}
