import type { StatusAnswer } from "@/lib/core/api-types";

const COUNTED = ["queued", "held", "pending", "running", "done", "failed", "killed", "timeout", "oom", "cancelled", "invalid", "lost"] as const;

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
        <div className="rounded border border-slate-200 bg-white px-3 py-2" data-testid="processors">
          <span className="text-slate-500">processors</span>{" "}
          <strong>
            {used} / {max}
          </strong>
          <div className="mt-1 h-1.5 w-28 overflow-hidden rounded bg-slate-200">
            <div className="h-full bg-blue-600" style={{ width: `${Math.min(100, (used / Math.max(1, max)) * 100)}%` }} />
          </div>
        </div>
        <div className="rounded border border-slate-200 bg-white px-3 py-2" data-testid="load">
          <span className="text-slate-500">load</span> <strong>{status.loadavg.map((l) => l.toFixed(2)).join(" ")}</strong>
          <div className="text-xs text-slate-500">{status.cpus} CPUs</div>
        </div>
        <div className="rounded border border-slate-200 bg-white px-3 py-2" data-testid="worker-status">
          worker:{" "}
          {status.worker?.alive ? (
            <span className="text-green-700">running (pid {status.worker.pid})</span>
          ) : (
            <span className="font-medium text-red-700">not running</span>
          )}
          {status.worker?.isolation === "none" && (
            <div className="text-xs font-medium text-amber-700" data-testid="isolation-warning" title="Run the worker as root (see docs/security.md) so that each job runs as its own unprivileged identity.">
              jobs share the worker&apos;s privileges
            </div>
          )}
          {status.worker?.isolation === "uid" && <div className="text-xs text-slate-500">jobs run as their own uid</div>}
        </div>
      </div>
    </div>
  );
}
