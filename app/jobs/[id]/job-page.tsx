"use client";
import Link from "next/link";
import { useRefreshMs } from "@/lib/client/use-status-query";
import { useJobQuery } from "@/lib/client/use-job-query";
import { useProgressCurve } from "@/lib/client/use-progress-curve";
import { resultsEnd } from "@/lib/client/use-results-query";
import { useViewedFile } from "@/lib/client/use-viewed-file";
import { isFinishedState } from "@/lib/core/job-lifecycle";
import { BackToDashboard, ImportedTag, QueryError, StateBadge } from "../../ui-bits";
import { FileBrowser } from "./file-browser";
import { FolderPurged } from "./folder-purged";
import { JobActions } from "./job-actions";
import { JobDetails } from "./job-details";
import { JobHistory } from "./job-history";
import { JobNotes } from "./job-notes";
import { JobProgress } from "./job-progress";
import { JobWaiting } from "./job-waiting";
import { LogTail } from "./log-tail";
import { ProgressChart } from "./progress-chart";
import { ResultsPanel } from "./results-panel";
import { SlurmFacts } from "./slurm-facts";
import { stateLabel } from "@/lib/client/job-labels";

/** One job: details, progress and its curve, results, history, live log, files (or that retention removed them), and the admin's actions. */
export function JobPage({ id }: { id: number }) {
  const refreshMs = useRefreshMs();
  const { data, error } = useJobQuery(id, refreshMs);
  const [viewing, setViewing] = useViewedFile();
  const running = data?.job.state === "running";
  const points = useProgressCurve(id, data?.job.startedAt ?? null, running, refreshMs);
  if (error && !data) {
    return (
      <div className="space-y-4">
        <BackToDashboard />
        <QueryError error={error} />
      </div>
    );
  }
  if (!data) return <p className="text-slate-500">Loading job {id}…</p>;
  const { job, can } = data;
  return (
    <div className="space-y-5">
      <div>
        <BackToDashboard />
        <div className="mt-1 flex flex-wrap items-center gap-3">
          <h1 className="text-2xl font-semibold [overflow-wrap:anywhere]">{job.name}</h1>
          <span data-testid="job-state">
            <StateBadge state={job.state} label={stateLabel(job)} />
          </span>
          <ImportedTag imported={job.imported} />
          <span className="text-sm text-slate-500">job {job.id}</span>
          <Link href={`/compare?ids=${job.id}`} className="text-sm text-blue-700 hover:underline" data-testid="compare-link">
            compare with other runs
          </Link>
          <div className="ml-auto">
            <JobActions job={job} can={can} refused={data.refused} switchedOff={data.switchedOff} />
          </div>
        </div>
        {job.error && (
          <p className="mt-2 rounded bg-red-50 p-3 text-sm text-red-800" data-testid="job-error">
            {job.error}
          </p>
        )}
        <JobNotes notes={data.notes} />
      </div>
      <JobProgress job={job} can={can} serverTime={data.serverTime} points={points} />
      <JobWaiting job={job} serverTime={data.serverTime} />
      {job.startedAt && (points.length > 0 || running) && (
        <ProgressChart points={points} startedAt={job.startedAt} latest={job.progress === null ? null : { atMs: job.finishedAt ? Date.parse(job.finishedAt) : Date.parse(data.serverTime), percent: job.progress }} />
      )}
      {/* Removed by retention: its results, log and files would only answer 404. */}
      {job.purgedAt ? <FolderPurged purgedAt={job.purgedAt} /> : <ResultsPanel id={job.id} end={resultsEnd(job)} refreshMs={refreshMs} onOpen={setViewing} />}
      {job.slurm && <SlurmFacts slurm={job.slurm} />}
      <div className="grid gap-5 lg:grid-cols-2">
        <JobDetails job={job} />
        <JobHistory events={job.events} />
      </div>
      {!job.purgedAt && (
        <>
          <LogTail id={job.id} refreshMs={refreshMs} active={job.state === "running" || job.state === "pending" || job.state === "queued" || job.state === "held"} neverRan={isFinishedState(job.state) && !job.startedAt} waiting={job.state === "queued" || job.state === "held"} />
          <FileBrowser id={job.id} refreshMs={refreshMs} folderKey={job.folder} running={running} viewing={viewing} onView={setViewing} />
        </>
      )}
    </div>
  );
}
