"use client";
import Link from "next/link";
import { errorMessageOf } from "@/lib/client/api-fetch";
import { formatDate } from "@/lib/client/format-date";
import { ownerLabel } from "@/lib/core/format";
import { useHoldJobMutation, useReleaseJobMutation } from "@/lib/client/use-job-mutations";
import { useJobsQuery } from "@/lib/client/use-jobs-query";
import { useServerNow } from "@/lib/client/use-now";
import type { JobSummary, Permissions } from "@/lib/core/api-types";
import { JobListPanel } from "./job-list-panel";
import { StartEstimateText } from "./start-estimate-text";
import { StateBadge, td, th } from "./ui-bits";

/** Hold a queued job or release a held one, straight from its row (both are undone as easily). */
export function HoldReleaseButton({ job, can, large = false }: { job: Pick<JobSummary, "id" | "state">; can: Pick<Permissions, "hold" | "release">; large?: boolean }) {
  const hold = useHoldJobMutation(job.id);
  const release = useReleaseJobMutation(job.id);
  const action = job.state === "queued" && can.hold ? hold : job.state === "held" && can.release ? release : null;
  if (!action) return null;
  const label = action === hold ? "hold" : "release";
  return (
    <span className="inline-flex flex-col items-end">
      <button type="button" disabled={action.isPending} onClick={() => action.mutate()} className={`rounded border border-slate-300 capitalize text-slate-700 hover:bg-slate-100 disabled:opacity-50 ${large ? "px-3 py-1.5 text-sm font-medium" : "px-2 py-0.5 text-xs"}`}>
        {label}
      </button>
      {action.error && <span role="alert" className="max-w-48 text-xs text-red-700">{errorMessageOf(action.error)}</span>}
    </span>
  );
}

/** Rows of the list: a job, or a run of consecutive elements of one array folded into one row. */
type Row = { job: JobSummary; fold?: { last: JobSummary; count: number } };

function foldArrays(jobs: JobSummary[]): Row[] {
  const rows: Row[] = [];
  for (const job of jobs) {
    const prev = rows[rows.length - 1];
    const sameArray = prev && job.arrayId !== null && prev.job.arrayId === job.arrayId;
    if (sameArray) prev.fold = { last: job, count: (prev.fold?.count ?? 1) + 1 };
    else rows.push({ job });
  }
  return rows;
}

export function QueuedJobs({ refreshMs, showDetails, can }: { refreshMs: number; showDetails: boolean; can: Permissions }) {
  const query = useJobsQuery({ view: "queued", pageSize: 200 }, refreshMs);
  const now = useServerNow(query.data?.serverTime);
  return (
    <JobListPanel title="Queued" testId="queued-jobs" query={query} empty="The queue is empty.">
      {(data) => (
        <div className="overflow-x-auto">
          <table className="w-full text-sm">
            <thead>
              <tr>
                <th className={th}>#</th>
                <th className={th}>Job</th>
                {showDetails && <th className={`${th} hidden sm:table-cell`}>Owner</th>}
                {showDetails && <th className={`${th} hidden lg:table-cell`}>Info</th>}
                <th className={`${th} hidden sm:table-cell`}>nb_proc</th>
                <th className={`${th} hidden md:table-cell`}>Submitted</th>
                <th className={th}>Expected start</th>
                <th className={th} />
              </tr>
            </thead>
            <tbody className="divide-y divide-slate-100">
              {foldArrays(data.jobs).map(({ job, fold }) => (
                <tr key={job.id} data-testid={fold ? `queued-array-${job.arrayId}` : `queued-job-${job.id}`}>
                  <td className={`${td} tabular-nums text-slate-500`}>{job.position}</td>
                  <td className={td}>
                    <Link href={fold ? `/arrays/${job.arrayId}` : `/jobs/${job.id}`} className="font-medium text-blue-700 [overflow-wrap:anywhere] hover:underline">
                      {fold ? `${job.name} … ${fold.last.name}` : job.name}
                    </Link>
                    {fold && <span className="ml-2 text-xs text-slate-500">array {job.arrayId}: {fold.count} elements waiting</span>}
                    {!fold && job.state === "held" && (
                      <span className="ml-2">
                        <StateBadge state="held" />
                      </span>
                    )}
                    {job.priority !== 0 && <span className="ml-2 text-xs text-slate-500">priority {job.priority}</span>}
                  </td>
                  {showDetails && <td className={`${td} hidden text-slate-600 sm:table-cell`}>{ownerLabel(job)}</td>}
                  {showDetails && <td className={`${td} hidden max-w-xs truncate text-slate-600 lg:table-cell`}>{job.info ?? ""}</td>}
                  <td className={`${td} hidden tabular-nums sm:table-cell`}>
                    {job.nbProc}
                    {job.nbGpu > 0 && <span className="ml-1 text-xs text-slate-500">+ {job.nbGpu} GPU{job.nbGpu === 1 ? "" : "s"}</span>}
                  </td>
                  <td className={`${td} hidden whitespace-nowrap text-slate-600 md:table-cell`}>{formatDate(job.submittedAt)}</td>
                  <td className={td}>
                    <StartEstimateText estimate={job.estimate} now={now} testId={`estimate-${job.id}`} />
                  </td>
                  <td className={`${td} text-right`}>{!fold && <HoldReleaseButton job={job} can={job.can ?? can} />}</td>
                </tr>
              ))}
            </tbody>
          </table>
          {data.total > data.jobs.length && <p className="px-4 py-2 text-xs text-slate-500">and {data.total - data.jobs.length} more…</p>}
        </div>
      )}
    </JobListPanel>
  );
}
