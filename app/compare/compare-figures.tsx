"use client";
import { formatDate } from "@/lib/client/format-date";
import { formatBytes, formatDuration, UNKNOWN } from "@/lib/core/format";
import { jobTimes } from "@/lib/core/job-times";
import { cpuEfficiency } from "@/lib/core/run-limits";
import { Panel, StateBadge, td, th } from "../ui-bits";
import type { ShownRun } from "./compare-view";
import { RunsTable } from "./runs-table";

type Row = [label: string, value: (run: ShownRun, elapsedMs: number | null) => React.ReactNode];

const ROWS: Row[] = [
  ["State", (r) => <StateBadge state={r.job.state} />],
  ["Exit", (r) => r.job.signal ?? r.job.exitCode ?? UNKNOWN],
  ["Finished", (r) => formatDate(r.job.finishedAt)],
  ["Duration", (_, ms) => formatDuration(ms)],
  ["Progress", (r) => (r.job.progress === null ? UNKNOWN : `${r.job.progress}%`)],
  ["CPU time", (r) => formatDuration(r.job.cpuSeconds === null ? null : r.job.cpuSeconds * 1000)],
  ["CPU efficiency", (r, ms) => {
    const e = r.job.finishedAt ? cpuEfficiency(r.job.cpuSeconds, ms === null ? null : ms / 1000, r.job.resources.granted) : null;
    return e === null ? UNKNOWN : `${e}%`;
  }],
  ["Peak memory", (r) => (r.job.peakMemoryKb === null ? UNKNOWN : formatBytes(r.job.peakMemoryKb * 1024))],
  ["Processors", (r) => r.job.resources.granted],
];

/** Each run's outcome and final figures (progress, CPU, memory) in one table. */
export function CompareFigures({ runs, serverTime }: { runs: ShownRun[]; serverTime: string }) {
  const now = Date.parse(serverTime);
  const elapsed = runs.map((r) => jobTimes(r.job, now).elapsedMs);
  return (
    <Panel title="Figures" testId="compare-figures">
      <RunsTable runs={runs} corner="">
        {ROWS.map(([label, value]) => (
          <tr key={label}>
            <th scope="row" className={`${th} whitespace-nowrap`}>
              {label}
            </th>
            {runs.map((r, i) => (
              <td key={r.id} className={`${td} tabular-nums`}>
                {value(r, elapsed[i])}
              </td>
            ))}
          </tr>
        ))}
      </RunsTable>
    </Panel>
  );
}
