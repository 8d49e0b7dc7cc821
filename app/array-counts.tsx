import type { ArraySummary } from "@/lib/core/api-types";
import { StateBadge } from "./ui-bits";

/** Elements per state, in the order a sweep moves through them. */
const ORDER = ["running", "pending", "queued", "held", "done", "failed", "killed", "timeout", "oom", "cancelled", "lost", "invalid"];

export function ArrayCounts({ array, testId }: { array: Pick<ArraySummary, "counts" | "total">; testId?: string }) {
  const states = Object.keys(array.counts).sort((a, b) => ORDER.indexOf(a) - ORDER.indexOf(b));
  return (
    <div className="flex flex-wrap items-center gap-1.5 text-xs" data-testid={testId}>
      {states.map((state) => (
        <span key={state} className="inline-flex items-center gap-1" data-testid={testId ? `${testId}-${state}` : undefined}>
          <StateBadge state={state} /> <span className="tabular-nums">{array.counts[state]}</span>
        </span>
      ))}
      <span className="text-slate-500">of {array.total}</span>
    </div>
  );
}

/** Every element ended: the array is over. */
export const isArrayOver = (array: Pick<ArraySummary, "counts">) => !["running", "pending", "queued", "held"].some((s) => array.counts[s]);

/** The combined bar's colour: blue while it runs, green when every element is done, grey when some did not. */
export function arrayTone(array: Pick<ArraySummary, "counts" | "total">): "active" | "done" | "stopped" {
  if (!isArrayOver(array)) return "active";
  return (array.counts.done ?? 0) === array.total ? "done" : "stopped";
}
