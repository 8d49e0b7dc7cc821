"use client";
import { errorMessageOf } from "@/lib/client/api-fetch";
import { usePauseQueueMutation } from "@/lib/client/use-queue-control";
import type { StatusAnswer } from "@/lib/core/api-types";
import { ClusterSummary } from "./cluster-summary";

const COUNTED = ["queued", "held", "pending", "running", "done", "failed", "killed", "timeout", "oom", "cancelled", "invalid", "lost"] as const;

/** The administrator's way to drain the machine (the banner offers Resume). */
function PauseButton() {
  const pause = usePauseQueueMutation(true);
  return (
    <div className="rounded border border-slate-200 bg-white px-3 py-2">
      <button type="button" onClick={() => pause.mutate()} disabled={pause.isPending} className="rounded border border-amber-400 px-2 py-1 text-amber-900 hover:bg-amber-50 disabled:opacity-60">
        Pause the queue
      </button>
      <div className="mt-1 max-w-48 text-xs text-slate-500">{pause.error ? errorMessageOf(pause.error) : "running jobs finish, nothing new starts"}</div>
    </div>
  );
}

export function StatusSummary({ status }: { status: StatusAnswer }) {
  const used = status.processorsInUse;
  const max = status.maxNbProcessors;
  return (
    <div className="grid gap-3 text-sm items-start md:grid-cols-[1fr_auto]" data-testid="summary">
      <div className="flex flex-wrap gap-2">
        {COUNTED.filter((s) => s === "queued" || s === "running" || s === "done" || s === "failed" || status.counts[s]).map((state) => (
          <div key={state} className="rounded border border-slate-200 bg-white px-3 py-2">
            <span className="text-slate-500">{state}</span> <strong data-testid={`count-${state}`}>{status.counts[state] ?? 0}</strong>
          </div>
        ))}
      </div>
      <div className="flex flex-wrap gap-2">
        {/* With Slurm, MaxNbProcessors does not apply: the cluster's own CPUs are shown. */}
        {status.cluster ? <ClusterSummary cluster={status.cluster} /> : <Processors used={used} max={max} />}
        {status.gpus && (
          <div className="rounded border border-slate-200 bg-white px-3 py-2" data-testid="gpus">
            <span className="text-slate-500">GPUs</span>{" "}
            <strong>
              {status.gpus.inUse} / {status.gpus.total}
            </strong>
            <div className="text-xs text-slate-500">devices {status.gpus.list}</div>
          </div>
        )}
        <div className="rounded border border-slate-200 bg-white px-3 py-2" data-testid="load">
          <span className="text-slate-500">load</span> <strong>{status.loadavg.map((l) => l.toFixed(2)).join(" ")}</strong>
          <div className="text-xs text-slate-500">{status.cpus} CPUs</div>
        </div>
        {status.can.pause && !status.paused && <PauseButton />}
        <div className="rounded border border-slate-200 bg-white px-3 py-2" data-testid="worker-status">
          worker:{" "}
          {status.worker?.alive ? (
            <span className="text-green-700">running (pid {status.worker.pid})</span>
          ) : (
            <span className="font-medium text-red-700">not running</span>
          )}
          {status.worker?.isolation === "none" && status.executor !== "slurm" && (
            <div className="text-xs font-medium text-amber-700" data-testid="isolation-warning" title="Run the worker as root (see docs/security.md) so that each job runs as its own unprivileged identity.">
              jobs share the worker&apos;s privileges
            </div>
          )}
          {status.worker?.isolation === "uid" && <div className="text-xs text-slate-500">jobs run as their own uid</div>}
          {status.executor === "slurm" && <div className="text-xs text-slate-500">jobs run in Slurm as the worker&apos;s account</div>}
        </div>
      </div>
    </div>
  );
}

function Processors({ used, max }: { used: number; max: number }) {
  return (
    <div className="rounded border border-slate-200 bg-white px-3 py-2" data-testid="processors">
      <span className="text-slate-500">processors</span>{" "}
      <strong>
        {used} / {max}
      </strong>
      <div className="mt-1 h-1.5 w-28 overflow-hidden rounded bg-slate-200">
        <div className="h-full bg-blue-600" style={{ width: `${Math.min(100, (used / Math.max(1, max)) * 100)}%` }} />
      </div>
    </div>
  );
}
