"use client";
import Link from "next/link";
import { useArraysQuery } from "@/lib/client/use-queue-control";
import { ArrayCounts, arrayTone } from "./array-counts";
import { Panel, ProgressBar, QueryError } from "./ui-bits";

/** The most recent arrays, each as one row: its combined progress and its elements per state. */
export function ArraysPanel({ refreshMs, showDetails }: { refreshMs: number; showDetails: boolean }) {
  const { data, error } = useArraysQuery(refreshMs);
  if (!error && !data?.arrays.length) return null;
  return (
    <Panel title={`Arrays${data ? ` (${data.arrays.length})` : ""}`} testId="arrays">
      {error ? <QueryError error={error} /> : null}
      <ul className="divide-y divide-slate-100">
        {data?.arrays.map((a) => (
          <li key={a.id} className="grid gap-2 px-4 py-3 text-sm md:grid-cols-[minmax(10rem,1fr)_minmax(12rem,2fr)_auto] md:items-center" data-testid={`array-${a.id}`}>
            <div className="min-w-0">
              <Link href={`/arrays/${a.id}`} className="font-medium text-blue-700 [overflow-wrap:anywhere] hover:underline">
                {a.name}
              </Link>
              <div className="text-xs text-slate-500">
                array {a.id} · {a.spec}
                {showDetails && a.owner ? ` · ${a.owner}` : ""}
              </div>
            </div>
            <ProgressBar percent={a.progress} testId={`array-progress-${a.id}`} tone={arrayTone(a)} />
            <ArrayCounts array={a} testId={`array-counts-${a.id}`} />
          </li>
        ))}
      </ul>
    </Panel>
  );
}
