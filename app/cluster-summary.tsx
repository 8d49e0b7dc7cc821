import type { ClusterStats } from "@/lib/core/worker-stats";

/** The Slurm cluster jobs are handed to, as the worker last read it (sinfo): per partition, nodes and CPUs. */
export function ClusterSummary({ cluster }: { cluster: ClusterStats }) {
  return (
    <div className="rounded border border-slate-200 bg-white px-3 py-2" data-testid="cluster">
      <div className="text-slate-500">
        Slurm cluster <span className="text-xs">(as of {new Date(cluster.at).toLocaleTimeString()})</span>
      </div>
      {cluster.partitions.length === 0 && <div className="text-xs text-slate-500">no partition</div>}
      {cluster.partitions.map((p) => (
        <div key={p.name} className="mt-1 text-xs" data-testid={`partition-${p.name}`}>
          <strong className="text-sm">{p.name}</strong>
          {!p.up && <span className="ml-1 font-medium text-red-700">down</span>}
          <span className="ml-2">
            {p.nodes} node{p.nodes === 1 ? "" : "s"} ({Object.entries(p.nodeStates).map(([state, n]) => `${n} ${state}`).join(", ")})
          </span>
          <span className="ml-2 tabular-nums" data-testid={`partition-${p.name}-cpus`}>
            CPUs {p.cpusAllocated} allocated, {p.cpusIdle} idle{p.cpusOther ? `, ${p.cpusOther} unavailable` : ""} / {p.cpusTotal}
          </span>
          <div className="mt-1 h-1.5 w-40 overflow-hidden rounded bg-slate-200">
            <div className="h-full bg-blue-600" style={{ width: `${Math.min(100, (p.cpusAllocated / Math.max(1, p.cpusTotal)) * 100)}%` }} />
          </div>
        </div>
      ))}
    </div>
  );
}
