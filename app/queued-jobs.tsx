"use client";
import Link from "next/link";
import { formatDate } from "@/lib/client/format-date";
import { useJobsQuery } from "@/lib/client/use-jobs-query";
import { JobListPanel } from "./job-list-panel";
import { td, th } from "./ui-bits";

export function QueuedJobs({ refreshMs, showDetails }: { refreshMs: number; showDetails: boolean }) {
  const query = useJobsQuery({ view: "queued", pageSize: 200 }, refreshMs);
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
                {showDetails && <th className={`${th} hidden md:table-cell`}>Info</th>}
                <th className={th}>nb_proc</th>
                <th className={th}>Submitted</th>
              </tr>
            </thead>
            <tbody className="divide-y divide-slate-100">
              {data.jobs.map((job) => (
                <tr key={job.id} data-testid={`queued-job-${job.id}`}>
                  <td className={`${td} tabular-nums text-slate-500`}>{job.position}</td>
                  <td className={td}>
                    <Link href={`/jobs/${job.id}`} className="font-medium text-blue-700 [overflow-wrap:anywhere] hover:underline">
                      {job.name}
                    </Link>
                    {job.priority !== 0 && <span className="ml-2 text-xs text-slate-500">priority {job.priority}</span>}
                  </td>
                  {showDetails && <td className={`${td} hidden text-slate-600 sm:table-cell`}>{job.owner ?? "—"}</td>}
                  {showDetails && <td className={`${td} hidden max-w-xs truncate text-slate-600 md:table-cell`}>{job.info ?? ""}</td>}
                  <td className={`${td} tabular-nums`}>{job.nbProc}</td>
                  <td className={`${td} whitespace-nowrap text-slate-600`}>{formatDate(job.submittedAt)}</td>
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
