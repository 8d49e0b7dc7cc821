"use client";
import { useResultsQuery } from "@/lib/client/use-results-query";
import { ResultsStrip } from "../../results-strip";
import { Panel } from "../../ui-bits";

/** The job's results strip in a panel, shown once there is something in it (`end`: resultsEnd of the job). */
export function ResultsPanel({ id, end, refreshMs, onOpen }: { id: number; end: string | null; refreshMs: number; onOpen: (path: string) => void }) {
  const { data } = useResultsQuery(id, end, refreshMs);
  if (!data?.files.length) return null;
  const from = data.source === "results-key" ? "named by the info file's results key" : "pictures in the job folder";
  return (
    <Panel title="Results" aside={<span className="text-xs text-slate-500">{from}</span>} testId="results-panel">
      <div className="px-4 py-3">
        <ResultsStrip id={id} end={end} refreshMs={refreshMs} size="large" onOpen={onOpen} />
      </div>
    </Panel>
  );
}
