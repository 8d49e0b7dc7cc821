"use client";
import { useQuery } from "@tanstack/react-query";

interface Status {
  counts: Record<string, number>;
  maxNbProcessors: number;
  worker: { alive: boolean; pid: number; host: string } | null;
}

export function Dashboard() {
  const { data, error } = useQuery({
    queryKey: ["status"],
    queryFn: async (): Promise<Status> => {
      const res = await fetch("/api/status");
      if (!res.ok) throw new Error(`status ${res.status}`);
      return res.json();
    },
    refetchInterval: 2000,
  });
  return (
    <section>
      <h1 className="mb-4 text-2xl font-semibold">Dashboard</h1>
      {error && <p role="alert" className="text-red-700">Cannot reach the server: {String(error)}</p>}
      {data && (
        <div className="flex flex-wrap gap-3 text-sm" data-testid="summary">
          {(["queued", "running", "done", "failed"] as const).map((state) => (
            <div key={state} className="rounded border border-slate-200 bg-white px-4 py-2">
              <span className="text-slate-500">{state}</span>{" "}
              <strong data-testid={`count-${state}`}>{data.counts[state] ?? 0}</strong>
            </div>
          ))}
          <div className="rounded border border-slate-200 bg-white px-4 py-2" data-testid="worker-status">
            worker: {data.worker?.alive ? <span className="text-green-700">running (pid {data.worker.pid})</span> : <span className="text-red-700">not running</span>}
          </div>
        </div>
      )}
    </section>
  );
}
