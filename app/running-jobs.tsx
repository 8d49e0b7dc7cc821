"use client";
import Link from "next/link";
import { formatDuration } from "@/lib/core/format";
import { estimateRemainingMs } from "@/lib/core/progress";
import { useJobsQuery } from "@/lib/client/use-jobs-query";
import { useNow } from "@/lib/client/use-now";
import { Panel, ProgressBar, QueryError, td, th } from "./ui-bits";

export function RunningJobs({ refreshMs, showDetails }: { refreshMs: number; showDetails: boolean }) {
  const { data, error } = useJobsQuery({ view: "running", pageSize: 200 }, refreshMs);
  const now = useNow();
  const skew = data ? new Date(data.serverTime).getTime() - Date.now() : 0;
  return (
    <Panel title={`Running${data ? ` (${data.total})` : ""}`} testId="running-jobs">
      {error && <QueryError error={error} />}
      {data && data.jobs.length === 0 && <p className="px-4 py-3 text-sm text-slate-500">No job is running.</p>}
      {data && data.jobs.length > 0 && (
        <ul className="divide-y divide-slate-100 sm:hidden">
          {data.jobs.map((job) => {
            const elapsed = job.startedAt ? now + skew - new Date(job.startedAt).getTime() : null;
            const eta = elapsed === null ? null : estimateRemainingMs(elapsed, job.progress);
            return (
              <li key={job.id} className="space-y-1.5 px-4 py-3 text-sm">
                <Link href={`/jobs/${job.id}`} className="font-medium text-blue-700 [overflow-wrap:anywhere] hover:underline">
                  {job.name}
                </Link>
                {job.killRequested && <span className="ml-2 text-xs text-orange-700">killing…</span>}
                <ProgressBar percent={job.progress} />
                <div className="flex flex-wrap gap-x-4 text-xs text-slate-600">
                  <span>elapsed {formatDuration(elapsed)}</span>
                  <span>ETA {formatDuration(eta)}</span>
                  <span>nb_proc {job.nbProc}</span>
                  {showDetails && job.owner && <span>{job.owner}</span>}
                </div>
              </li>
            );
          })}
        </ul>
      )}
      {data && data.jobs.length > 0 && (
        <div className="hidden overflow-x-auto sm:block">
          <table className="w-full text-sm">
            <thead>
              <tr>
                <th className={th}>Job</th>
                {showDetails && <th className={th}>Owner</th>}
                <th className={`${th} w-64`}>Progress</th>
                <th className={th}>Elapsed</th>
                <th className={th}>ETA</th>
                <th className={th}>nb_proc</th>
              </tr>
            </thead>
            <tbody className="divide-y divide-slate-100">
              {data.jobs.map((job) => {
                const elapsed = job.startedAt ? now + skew - new Date(job.startedAt).getTime() : null;
                const eta = elapsed === null ? null : estimateRemainingMs(elapsed, job.progress);
                return (
                  <tr key={job.id} data-testid={`running-job-${job.id}`}>
                    <td className={td}>
                      <Link href={`/jobs/${job.id}`} className="font-medium text-blue-700 hover:underline">
                        {job.name}
                      </Link>
                      {job.killRequested && <span className="ml-2 text-xs text-orange-700">killing…</span>}
                      {showDetails && job.info && <div className="max-w-xs truncate text-xs text-slate-500">{job.info}</div>}
                    </td>
                    {showDetails && <td className={`${td} text-slate-600`}>{job.owner ?? "—"}</td>}
                    <td className={td}>
                      <ProgressBar percent={job.progress} testId={`progress-${job.id}`} />
                    </td>
                    <td className={`${td} tabular-nums`}>{formatDuration(elapsed)}</td>
                    <td className={`${td} tabular-nums`}>{formatDuration(eta)}</td>
                    <td className={`${td} tabular-nums`}>{job.nbProc}</td>
                  </tr>
                );
              })}
            </tbody>
          </table>
        </div>
      )}
    </Panel>
  );
}
