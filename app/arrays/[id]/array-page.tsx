"use client";
import Link from "next/link";
import { useServerNow } from "@/lib/client/use-now";
import { useArrayQuery } from "@/lib/client/use-queue-control";
import { useRefreshMs } from "@/lib/client/use-status-query";
import { isWaitingState } from "@/lib/core/job-lifecycle";
import { ArrayCounts, arrayTone } from "../../array-counts";
import { HoldReleaseButton } from "../../queued-jobs";
import { StartEstimateText } from "../../start-estimate-text";
import { Panel, ProgressBar, QueryError, StateBadge, td, th } from "../../ui-bits";
import { ArrayActions } from "./array-actions";

/** One array: its combined progress and counts, actions on the whole array, and every element. */
export function ArrayPage({ id }: { id: number }) {
  const { data, error } = useArrayQuery(id, useRefreshMs());
  const now = useServerNow(data?.serverTime);
  const back = (
    <Link href="/" className="text-sm text-blue-700 hover:underline">
      ← Dashboard
    </Link>
  );
  if (!data) return <div className="space-y-4">{back}{error ? <QueryError error={error} /> : <p className="text-slate-500">Loading array {id}…</p>}</div>;
  const { array, jobs, can } = data;
  return (
    <div className="space-y-5">
      <div>
        {back}
        <div className="mt-1 flex flex-wrap items-center gap-3">
          <h1 className="text-2xl font-semibold [overflow-wrap:anywhere]">{array.name}</h1>
          <span className="text-sm text-slate-500">
            array {array.id} · array = {array.spec}
            {array.owner ? ` · ${array.owner}` : ""}
          </span>
          <Link href={`/compare?array=${array.id}`} className="text-sm text-blue-700 hover:underline" data-testid="compare-array">
            compare finished elements
          </Link>
          <div className="ml-auto">
            <ArrayActions array={array} can={can} refused={data.refused} />
          </div>
        </div>
      </div>
      <section className="space-y-3 rounded-lg border border-slate-200 bg-white p-4">
        <ProgressBar percent={array.progress} testId="array-progress" tone={arrayTone(array)} />
        <ArrayCounts array={array} testId="array-counts" />
      </section>
      <Panel title={`Elements (${jobs.length})`} testId="array-elements">
        <div className="overflow-x-auto">
          <table className="w-full text-sm">
            <thead>
              <tr>
                <th className={`${th} hidden sm:table-cell`}>Index</th>
                <th className={th}>Job</th>
                <th className={th}>State</th>
                <th className={`${th} sm:w-64`}>Progress / expected start</th>
                <th className={th} />
              </tr>
            </thead>
            <tbody className="divide-y divide-slate-100">
              {jobs.map((job) => (
                <tr key={job.id} data-testid={`element-${job.arrayIndex}`}>
                  <td className={`${td} hidden tabular-nums sm:table-cell`}>{job.arrayIndex}</td>
                  <td className={td}>
                    {/* break-word, not anywhere: on a phone the name keeps its width (sweep_12, not swee|p_12) and the other columns wrap, or the table scrolls. */}
                    <Link href={`/jobs/${job.id}`} className="font-medium text-blue-700 [overflow-wrap:break-word] hover:underline">
                      {job.name}
                    </Link>
                    <span className="ml-2 hidden text-xs text-slate-500 sm:inline">job {job.id}</span>
                  </td>
                  <td className={td}>
                    <StateBadge state={job.state} />
                  </td>
                  <td className={td}>
                    {isWaitingState(job.state) ? (
                      <StartEstimateText estimate={job.estimate} now={now} />
                    ) : job.state === "running" ? (
                      <ProgressBar percent={job.progress} />
                    ) : (
                      <span className="text-slate-600">{job.signal ?? (job.exitCode !== null ? `exit ${job.exitCode}` : (job.error ?? "—"))}</span>
                    )}
                  </td>
                  <td className={`${td} text-right`}>
                    <HoldReleaseButton job={job} can={job.can ?? can} />
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      </Panel>
    </div>
  );
}
