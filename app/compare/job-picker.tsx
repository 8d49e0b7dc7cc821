"use client";
import { useState } from "react";
import { useJobsQuery } from "@/lib/client/use-jobs-query";
import { MAX_COMPARED, parseJobIds } from "@/lib/core/compare-runs";
import { formatDate } from "@/lib/client/format-date";
import { Panel, StateBadge } from "../ui-bits";

/** The runs compared: remove one, add ids (`12, 20-24`), or pick among recent finished jobs. */
export function JobPicker({ current, onChange }: { current: number[]; onChange: (ids: number[]) => void }) {
  const [text, setText] = useState("");
  const [search, setSearch] = useState("");
  const [problem, setProblem] = useState<string | null>(null);
  const recent = useJobsQuery({ view: "finished", q: search.trim() || undefined, pageSize: 8 }, 60_000);
  const add = (ids: number[]) => {
    const next = [...current, ...ids.filter((id) => !current.includes(id))];
    if (next.length > MAX_COMPARED) return setProblem(`Compare at most ${MAX_COMPARED} jobs at a time.`);
    setProblem(null);
    onChange(next);
  };
  const submit = (e: React.FormEvent) => {
    e.preventDefault();
    try {
      add(parseJobIds(text));
      setText("");
    } catch (error) {
      setProblem((error as Error).message);
    }
  };
  return (
    <Panel title="Runs" testId="compare-picker">
      <div className="space-y-3 px-4 py-3 text-sm">
        <div className="flex flex-wrap items-center gap-2">
          {current.map((id) => (
            <span key={id} className="flex items-center gap-1 rounded-full bg-slate-100 py-0.5 pl-3 pr-1">
              job {id}
              <button type="button" className="rounded-full px-1.5 text-slate-500 hover:bg-slate-200" aria-label={`Remove job ${id}`} onClick={() => onChange(current.filter((c) => c !== id))}>
                ×
              </button>
            </span>
          ))}
          <form onSubmit={submit} className="flex gap-2">
            <input className="w-40 rounded border border-slate-300 px-2 py-1" placeholder="12, 20-24" aria-label="Job ids to add" value={text} onChange={(e) => setText(e.target.value)} />
            <button type="submit" className="rounded bg-slate-800 px-3 py-1 text-white hover:bg-slate-700">
              Add
            </button>
          </form>
        </div>
        {problem && (
          <p role="alert" className="text-red-700">
            {problem}
          </p>
        )}
        <details>
          <summary className="cursor-pointer text-blue-700">Pick among recent finished jobs</summary>
          <input type="search" className="mt-2 w-56 rounded border border-slate-300 px-2 py-1" placeholder="name" aria-label="Search finished jobs" value={search} onChange={(e) => setSearch(e.target.value)} />
          <ul className="mt-2 divide-y divide-slate-100">
            {recent.data?.jobs.map((job) => (
              <li key={job.id} className="flex flex-wrap items-center gap-2 py-1">
                <button type="button" className="rounded border border-slate-300 px-2 text-xs disabled:opacity-40" disabled={current.includes(job.id)} onClick={() => add([job.id])}>
                  add
                </button>
                <span className="[overflow-wrap:anywhere]">{job.name}</span>
                <span className="text-xs text-slate-500">job {job.id}</span>
                <StateBadge state={job.state} />
                <span className="text-xs text-slate-500">{formatDate(job.finishedAt)}</span>
              </li>
            ))}
          </ul>
        </details>
      </div>
    </Panel>
  );
}
