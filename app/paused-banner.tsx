"use client";
import { errorMessageOf } from "@/lib/client/api-fetch";
import { formatDate } from "@/lib/client/format-date";
import { usePauseQueueMutation } from "@/lib/client/use-queue-control";
import { useStatusQuery } from "@/lib/client/use-status-query";

/** On every page while the administrator has paused the queue, with Resume for those who may. */
export function PausedBanner() {
  const { data: status } = useStatusQuery();
  const resume = usePauseQueueMutation(false);
  if (!status?.paused) return null;
  return (
    <div role="status" data-testid="paused-banner" className="border-b border-amber-300 bg-amber-100 text-sm text-amber-950">
      <div className="mx-auto flex max-w-6xl flex-wrap items-center gap-x-4 gap-y-2 px-4 py-2">
        <p>
          <strong>The queue is paused</strong> (by {status.paused.by}, {formatDate(status.paused.at)}): running jobs finish, nothing new starts until it is resumed.
        </p>
        {status.can.pause && (
          <button type="button" onClick={() => resume.mutate()} disabled={resume.isPending} className="ml-auto rounded bg-amber-900 px-3 py-1 font-medium text-white hover:bg-amber-950 disabled:opacity-60">
            Resume the queue
          </button>
        )}
        {resume.error && <p role="alert">{errorMessageOf(resume.error)}</p>}
      </div>
    </div>
  );
}
