"use client";
import Link from "next/link";
import { useJobsQuery } from "@/lib/client/use-jobs-query";
import { useServerNow } from "@/lib/client/use-now";
import { formatDuration, ownerLabel } from "@/lib/core/format";
import { jobTimes } from "@/lib/core/job-times";
import { JobListPanel } from "./job-list-panel";
import { RunWhere } from "./run-where";
import { ProgressBar, td, th } from "./ui-bits";

export function RunningJobs({ refreshMs, showDetails }: { refreshMs: number; showDetails: boolean }) {
  const query = useJobsQuery({ view: "running", pageSize: 200 }, refreshMs);
  const now = useServerNow(query.data?.serverTime);
  return (
    <JobListPanel title="Running" testId="running-jobs" query={query} empty="No job is running.">
      {(data) => {
        const rows = data.jobs.map((job) => ({ job, ...jobTimes(job, now) }));
        // A GPU column only where GPUs are in use: most servers have none.
        const gpus = data.jobs.some((job) => job.resources.gpus !== null);
        return (
          <>
            <ul className="divide-y divide-slate-100 sm:hidden">
              {rows.map(({ job, elapsedMs, remainingMs }) => (
                <li key={job.id} className="space-y-1.5 px-4 py-3 text-sm">
                  <Link href={`/jobs/${job.id}`} className="font-medium text-blue-700 [overflow-wrap:anywhere] hover:underline">
                    {job.name}
                  </Link>
                  {job.killRequested && <span className="ml-2 text-xs text-orange-700">killing…</span>}
                  <RunWhere job={job} />
                  {job.state === "pending" ? null : <ProgressBar percent={job.progress} />}
                  <div className="flex flex-wrap gap-x-4 text-xs text-slate-600">
                    <span>elapsed {formatDuration(elapsedMs)}</span>
                    <span>ETA {formatDuration(remainingMs)}</span>
                    <span>nb_proc {job.nbProc}</span>
                    {job.resources.cpus && <span>CPUs {job.resources.cpus}</span>}
                    {job.resources.gpus && <span>GPUs {job.resources.gpus}</span>}
                    {showDetails && (job.account ?? job.owner) && <span>{ownerLabel(job)}</span>}
                  </div>
                </li>
              ))}
            </ul>
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
                    <th className={th}>CPUs</th>
                    {gpus && <th className={th}>GPUs</th>}
                  </tr>
                </thead>
                <tbody className="divide-y divide-slate-100">
                  {rows.map(({ job, elapsedMs, remainingMs }) => (
                    <tr key={job.id} data-testid={`running-job-${job.id}`}>
                      <td className={td}>
                        <Link href={`/jobs/${job.id}`} className="font-medium text-blue-700 hover:underline">
                          {job.name}
                        </Link>
                        {job.killRequested && <span className="ml-2 text-xs text-orange-700">killing…</span>}
                        {showDetails && job.info && <div className="max-w-xs truncate text-xs text-slate-500">{job.info}</div>}
                      </td>
                      {showDetails && <td className={`${td} text-slate-600`}>{ownerLabel(job)}</td>}
                      <td className={td}>
                        {job.state === "pending" ? null : <ProgressBar percent={job.progress} testId={`progress-${job.id}`} />}
                        <RunWhere job={job} />
                      </td>
                      <td className={`${td} tabular-nums`}>{formatDuration(elapsedMs)}</td>
                      <td className={`${td} tabular-nums`}>{formatDuration(remainingMs)}</td>
                      <td className={`${td} tabular-nums`}>{job.nbProc}</td>
                      <td className={`${td} tabular-nums`} data-testid={`cpus-${job.id}`}>
                        {job.resources.cpus ?? "—"}
                      </td>
                      {gpus && (
                        <td className={`${td} tabular-nums`} data-testid={`gpus-${job.id}`}>
                          {job.resources.gpus ?? "—"}
                        </td>
                      )}
                    </tr>
                  ))}
                </tbody>
              </table>
            </div>
          </>
        );
      }}
    </JobListPanel>
  );
}
