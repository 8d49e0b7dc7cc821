"use client";
import { formatDate } from "@/lib/client/format-date";
import { formatDuration } from "@/lib/core/format";
import { estimateRemainingMs } from "@/lib/core/progress";
import type { JobDetail } from "@/lib/core/api-types";
import { useNow } from "@/lib/client/use-now";
import { ProgressBar } from "../../ui-bits";

function Fact({ label, children, testId }: { label: string; children: React.ReactNode; testId?: string }) {
  return (
    <div data-testid={testId}>
      <div className="text-xs uppercase tracking-wide text-slate-500">{label}</div>
      <div className="tabular-nums">{children}</div>
    </div>
  );
}

export function JobProgress({ job, serverTime }: { job: JobDetail; serverTime: string }) {
  const now = useNow() + (new Date(serverTime).getTime() - Date.now());
  const start = job.startedAt ? new Date(job.startedAt).getTime() : null;
  const end = job.finishedAt ? new Date(job.finishedAt).getTime() : null;
  const elapsed = start === null ? null : (end ?? now) - start;
  const eta = job.state === "running" && elapsed !== null ? estimateRemainingMs(elapsed, job.progress) : null;
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
          <Fact label={end ? "Finished" : "ETA"}>{end ? formatDate(job.finishedAt) : formatDuration(eta)}</Fact>
        )}
        <Fact label={end ? "Duration" : "Elapsed"} testId="job-elapsed">
          {formatDuration(elapsed)}
        </Fact>
        <Fact label="nb_proc">{job.nbProc}</Fact>
        <Fact label="Exit" testId="job-exit">
          {job.signal ?? (job.exitCode !== null ? job.exitCode : "—")}
          {job.cpuSeconds !== null && <span className="ml-2 text-xs text-slate-500">cpu {formatDuration(job.cpuSeconds * 1000)}</span>}
        </Fact>
      </div>
    </section>
  );
}
