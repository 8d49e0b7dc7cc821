"use client";
import Link from "next/link";
import { useRefreshMs } from "@/lib/client/use-status-query";
import { useJobQuery } from "@/lib/client/use-job-query";
import { ImportedTag, QueryError, StateBadge } from "../../ui-bits";
import { FileBrowser } from "./file-browser";
import { JobActions } from "./job-actions";
import { JobDetails } from "./job-details";
import { JobHistory } from "./job-history";
import { JobProgress } from "./job-progress";
import { JobWaiting } from "./job-waiting";
import { LogTail } from "./log-tail";
import { SlurmFacts } from "./slurm-facts";
import { stateLabel } from "@/lib/client/job-labels";

/** One job: details, progress, history, live log, files, and the admin's actions. */
export function JobPage({ id }: { id: number }) {
  const refreshMs = useRefreshMs();
  const { data, error } = useJobQuery(id, refreshMs);
  if (error && !data) {
    return (
      <div className="space-y-4">
        <Link href="/" className="text-sm text-blue-700 hover:underline">
          ← Dashboard
        </Link>
        <QueryError error={error} />
      </div>
    );
  }
  if (!data) return <p className="text-slate-500">Loading job {id}…</p>;
  const { job, can } = data;
  return (
    <div className="space-y-5">
      <div>
        <Link href="/" className="text-sm text-blue-700 hover:underline">
          ← Dashboard
        </Link>
        <div className="mt-1 flex flex-wrap items-center gap-3">
          <h1 className="text-2xl font-semibold [overflow-wrap:anywhere]">{job.name}</h1>
          <span data-testid="job-state">
            <StateBadge state={job.state} label={stateLabel(job)} />
          </span>
          <ImportedTag imported={job.imported} />
          <span className="text-sm text-slate-500">job {job.id}</span>
          <div className="ml-auto">
            <JobActions job={job} can={can} />
          </div>
        </div>
        {job.error && (
          <p className="mt-2 rounded bg-red-50 p-3 text-sm text-red-800" data-testid="job-error">
            {job.error}
          </p>
        )}
      </div>
      <JobProgress job={job} serverTime={data.serverTime} />
      <JobWaiting job={job} serverTime={data.serverTime} />
      {job.slurm && <SlurmFacts slurm={job.slurm} />}
      <div className="grid gap-5 lg:grid-cols-2">
        <JobDetails job={job} />
        <JobHistory events={job.events} />
      </div>
      <LogTail id={job.id} refreshMs={refreshMs} active={job.state === "running" || job.state === "pending" || job.state === "queued" || job.state === "held"} />
      <FileBrowser id={job.id} refreshMs={refreshMs} folderKey={job.folder} />
    </div>
  );
}
