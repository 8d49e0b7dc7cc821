"use client";
import { useState } from "react";
import { useStatsQuery } from "@/lib/client/use-stats-query";
import { formatDuration } from "@/lib/core/format";
import { FAILURES_IN_WORDS, type OwnerStats } from "@/lib/core/job-stats";
import { QueryError } from "../ui-bits";
import { JobsPerDayChart } from "./jobs-per-day-chart";

const RANGES = [7, 30, 90, 365];

const cell = "px-2 py-2 sm:px-3 text-right tabular-nums whitespace-nowrap";

/** The statistics keep seconds; the one duration format takes milliseconds. */
const seconds = (value: number | null) => formatDuration(value === null ? null : value * 1000);

/** The figures of one owner's row and of the totals row, in the columns' order. */
function StatsCells({ stats }: { stats: Omit<OwnerStats, "owner"> }) {
  return (
    <>
      <td className={cell}>{stats.jobs}</td>
      <td className={cell}>{stats.failures}</td>
      <td className={cell}>{seconds(stats.cpuSeconds)}</td>
      <td className={cell}>{seconds(stats.wallSeconds)}</td>
      <td className={cell}>{seconds(stats.meanWallSeconds)}</td>
      <td className={cell}>{(stats.cpuSeconds / 3600).toFixed(stats.cpuSeconds < 36 ? 3 : 1)}</td>
      <td className={cell}>{stats.cpuEfficiency === null ? "—" : `${stats.cpuEfficiency}%`}</td>
      <td className={cell}>{(stats.gpuSeconds / 3600).toFixed(stats.gpuSeconds < 36 ? 3 : 1)}</td>
      <td className={cell}>{stats.timeouts}</td>
      <td className={cell}>{stats.ooms}</td>
    </>
  );
}

export function StatsView() {
  const [days, setDays] = useState(30);
  const { data, error, isPending } = useStatsQuery(days);
  return (
    <section className="space-y-6">
      <h1 className="text-2xl font-semibold">Statistics</h1>
      {error && <QueryError error={error} />}
      {isPending && <p className="text-sm text-slate-500">Loading…</p>}
      {data && (
        <>
          <div className="rounded border border-slate-200 bg-white p-4">
            <div className="mb-3 flex flex-wrap items-center justify-between gap-2">
              <h2 className="font-medium">Jobs ended per day</h2>
              <label className="text-sm text-slate-600">
                Last{" "}
                <select className="rounded border border-slate-300 bg-white px-2 py-1" value={days} onChange={(e) => setDays(Number(e.target.value))}>
                  {RANGES.map((r) => (
                    <option key={r} value={r}>{r} days</option>
                  ))}
                </select>
              </label>
            </div>
            <JobsPerDayChart days={data.days} />
          </div>
          {/* Eleven columns are wider than a phone or a narrow window: the box says that it scrolls,
              takes keyboard focus to be scrolled with the arrows, and keeps the owners in view.
              (mb-1 wins over the section's space-y, a margin of zero specificity.) */}
          <p id="owner-stats-hint" className="mb-1 text-xs text-slate-500 lg:hidden">
            Scroll the table sideways for more columns.
          </p>
          <div
            tabIndex={0}
            role="region"
            aria-label="Jobs per owner"
            aria-describedby="owner-stats-hint"
            className="overflow-x-auto rounded border border-slate-200 bg-white focus-visible:outline-2 focus-visible:outline-blue-600"
          >
            <table className="w-full text-sm" data-testid="owner-stats">
              <thead className="bg-slate-50 text-left text-slate-600">
                <tr>
                  <th className="sticky left-0 bg-slate-50 px-2 py-2 whitespace-nowrap sm:px-3 font-medium">Owner</th>
                  <th className="px-2 py-2 whitespace-nowrap sm:px-3 text-right font-medium">Jobs</th>
                  <th className="px-2 py-2 whitespace-nowrap sm:px-3 text-right font-medium">Failures</th>
                  <th className="px-2 py-2 whitespace-nowrap sm:px-3 text-right font-medium">CPU time</th>
                  <th className="px-2 py-2 whitespace-nowrap sm:px-3 text-right font-medium">Wall time</th>
                  <th className="px-2 py-2 whitespace-nowrap sm:px-3 text-right font-medium">Mean wall time</th>
                  <th className="px-2 py-2 whitespace-nowrap sm:px-3 text-right font-medium">CPU-hours</th>
                  <th className="px-2 py-2 whitespace-nowrap sm:px-3 text-right font-medium" title="CPU time / (wall time x nb_proc), as Slurm's seff">CPU efficiency</th>
                  <th className="px-2 py-2 whitespace-nowrap sm:px-3 text-right font-medium" title="wall time x nb_gpu">GPU-hours</th>
                  <th className="px-2 py-2 whitespace-nowrap sm:px-3 text-right font-medium">Timeouts</th>
                  <th className="px-2 py-2 whitespace-nowrap sm:px-3 text-right font-medium">Out of memory</th>
                </tr>
              </thead>
              <tbody>
                {data.owners.length === 0 && (
                  <tr>
                    <td colSpan={11} className="px-3 py-6 text-center text-slate-500">No jobs yet.</td>
                  </tr>
                )}
                {data.owners.map((o) => (
                  <tr key={o.owner} className="border-t border-slate-100">
                    <td className="sticky left-0 min-w-[8rem] bg-white px-2 py-2 break-words sm:min-w-[10rem] sm:px-3">{o.owner || <span className="text-slate-500">(no e_mail)</span>}</td>
                    <StatsCells stats={o} />
                  </tr>
                ))}
              </tbody>
              <tfoot className="border-t-2 border-slate-200 font-medium" data-testid="stats-totals">
                <tr>
                  <td className="sticky left-0 bg-white px-2 py-2 sm:px-3">All owners</td>
                  <StatsCells stats={data.totals} />
                </tr>
              </tfoot>
            </table>
          </div>
          <p className="text-xs text-slate-500">
            Jobs: every job submitted, those waiting or deleted included. Failures: jobs that ended {FAILURES_IN_WORDS}. Wall time runs from start to end of the jobs that ran; CPU time is what the worker measured.
          </p>
        </>
      )}
    </section>
  );
}
