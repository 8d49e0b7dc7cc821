"use client";
import Link from "next/link";
import { useServerNow } from "@/lib/client/use-now";
import type { JobDetail } from "@/lib/core/api-types";
import { formatDuration } from "@/lib/core/format";
import { isWaitingState } from "@/lib/core/job-lifecycle";
import { startPhrase } from "../../start-estimate-text";
import { Panel, StateBadge } from "../../ui-bits";

/** "Why is my job waiting?": its expected start and reason, what it waits for, its array, fair share. */
export function JobWaiting({ job, serverTime }: { job: JobDetail; serverTime: string }) {
  const now = useServerNow(serverTime);
  const waiting = isWaitingState(job.state);
  if (!waiting && !job.dependsOn.length && !job.array) return null;
  return (
    <Panel title={waiting ? "Why is this job waiting?" : "Queue"} testId="job-waiting">
      <dl className="grid grid-cols-[minmax(7rem,max-content)_1fr] gap-x-4 gap-y-2 px-4 py-3 text-sm">
        {waiting && job.estimate && (
          <>
            <dt className="text-slate-500">Expected start</dt>
            <dd data-testid="job-estimate">{startPhrase(job.estimate, now)}</dd>
            <dt className="text-slate-500">Why</dt>
            <dd data-testid="job-wait-reason">{job.estimate.reason}</dd>
          </>
        )}
        {job.dependsOn.length > 0 && (
          <>
            <dt className="text-slate-500">Waits for</dt>
            <dd className="flex flex-wrap gap-x-4 gap-y-1" data-testid="job-depends-on">
              {job.dependsOn.map((d) => (
                <span key={d.parentId} className="inline-flex items-center gap-1.5">
                  <Link href={`/jobs/${d.parentId}`} className="text-blue-700 hover:underline">
                    job {d.parentId}
                  </Link>
                  <span className="text-xs text-slate-500">({d.kind})</span>
                  <StateBadge state={d.state} />
                </span>
              ))}
            </dd>
          </>
        )}
        {job.array && (
          <>
            <dt className="text-slate-500">Array</dt>
            <dd>
              <Link href={`/arrays/${job.array.id}`} className="text-blue-700 hover:underline">
                {job.array.name} (array {job.array.id})
              </Link>{" "}
              <span className="text-slate-600">
                element {job.arrayIndex} of {job.array.spec}
                {job.array.maxRunning ? `, at most ${job.array.maxRunning} at a time` : ""}
              </span>
            </dd>
          </>
        )}
        {waiting && job.fairShare && (
          <>
            <dt className="text-slate-500">Fair share</dt>
            <dd data-testid="job-fair-share">
              {job.fairShare.rule} Its owner used {formatDuration(job.fairShare.usedCpuSeconds * 1000)} of CPU in that time.
            </dd>
          </>
        )}
      </dl>
    </Panel>
  );
}
