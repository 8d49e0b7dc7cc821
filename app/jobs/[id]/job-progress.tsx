"use client";
import { formatDate } from "@/lib/client/format-date";
import { useServerNow } from "@/lib/client/use-now";
import type { JobDetail, Permissions } from "@/lib/core/api-types";
import { formatDuration } from "@/lib/core/format";
import { jobTimes } from "@/lib/core/job-times";
import { type ProgressPoint, remainingFromCurve } from "@/lib/core/progress-curve";
import { ProgressBar } from "../../ui-bits";

import { Fact } from "./job-fact";
import { JobUsage } from "./job-usage";
import { PriorityFact } from "./priority-editor";

/**
 * Progress bar, times and usage. The ETA follows the recent pace of the progress curve
 * (`points`, progress-curve.ts) once there are samples, else the straight line from the start.
 */
export function JobProgress({ job, can, serverTime, points }: { job: JobDetail; can: Permissions; serverTime: string; points: ProgressPoint[] }) {
  const now = useServerNow(serverTime);
  const times = jobTimes(job, now);
  const { elapsedMs } = times;
  const fromCurve = job.state === "running" ? remainingFromCurve(points, now) : null;
  const remainingMs = fromCurve ?? times.remainingMs;
  const ended = job.finishedAt !== null;
  return (
    <section className="rounded-lg border border-slate-200 bg-white p-4">
      {(job.state === "running" || job.progress !== null) && (
        <div className="mb-4">
          <ProgressBar
            percent={job.state === "done" && job.progress === null ? 100 : job.progress}
            testId="job-progress"
            tone={job.state === "running" || job.state === "queued" ? "active" : job.state === "done" ? "done" : "stopped"}
          />
        </div>
      )}
      <div className="grid grid-cols-2 gap-4 text-sm sm:grid-cols-3 lg:grid-cols-6">
        <Fact label="Submitted">{formatDate(job.submittedAt)}</Fact>
        <Fact label="Started">{formatDate(job.startedAt)}</Fact>
        {job.state === "queued" ? (
          <Fact label="Queue position" testId="job-position">
            {job.position ?? "—"}
          </Fact>
        ) : (
          <Fact label={ended ? "Finished" : "ETA"} testId="job-eta">
            {ended ? formatDate(job.finishedAt) : formatDuration(remainingMs)}
            {!ended && fromCurve !== null && <span className="ml-1 text-xs text-slate-500" title="from the recent pace of the progress curve">(recent pace)</span>}
          </Fact>
        )}
        <Fact label={ended ? "Duration" : "Elapsed"} testId="job-elapsed">
          {formatDuration(elapsedMs)}
        </Fact>
        <Fact label="nb_proc">{job.nbProc}</Fact>
        {(job.state === "queued" || job.state === "held") && <PriorityFact job={job} can={can} />}
        {job.nbGpu > 0 && (
          <Fact label="nb_gpu" testId="job-nb-gpu">
            {job.nbGpu}
          </Fact>
        )}
        <Fact label="Exit" testId="job-exit">
          {job.signal ?? (job.exitCode !== null ? job.exitCode : "—")}
        </Fact>
      </div>
      {job.state !== "queued" && job.state !== "held" && <JobUsage job={job} elapsedMs={elapsedMs} />}
    </section>
  );
}
