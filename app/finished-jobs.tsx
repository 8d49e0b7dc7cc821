"use client";
import Link from "next/link";
import { useEffect, useState } from "react";
import { formatDate } from "@/lib/client/format-date";
import { useJobsQuery } from "@/lib/client/use-jobs-query";
import { resultsEnd } from "@/lib/client/use-results-query";
import { formatDuration, ownerLabel } from "@/lib/core/format";
import { FINISHED_STATES } from "@/lib/core/job-lifecycle";
import { jobTimes } from "@/lib/core/job-times";
import { JobListPanel } from "./job-list-panel";
import { ResultsStrip } from "./results-strip";
import { ImportedTag, StateBadge, td, th } from "./ui-bits";

const PAGE_SIZE = 25;
const STATES = FINISHED_STATES;

function useDebounced(value: string, ms = 300): string {
  const [debounced, setDebounced] = useState(value);
  useEffect(() => {
    const timer = setTimeout(() => setDebounced(value), ms);
    return () => clearTimeout(timer);
  }, [value, ms]);
  return debounced;
}

function exitStatus(job: { exitCode: number | null; signal: string | null; state: string }): string {
  if (job.signal) return job.signal;
  if (job.exitCode !== null) return `exit ${job.exitCode}`;
  return "—";
}

/** Newer / Older buttons: shown whenever there is more than one page, even an emptied one. */
function PageNav({ page, pages, onPage }: { page: number; pages: number; onPage: (page: number) => void }) {
  if (pages <= 1) return null;
  return (
    <nav className="flex items-center justify-between border-t border-slate-100 px-4 py-2 text-sm" aria-label="Pages">
      <button type="button" className="rounded border border-slate-300 px-3 py-1 disabled:opacity-40" disabled={page <= 1} onClick={() => onPage(page - 1)}>
        ← Newer
      </button>
      <span className="text-slate-600" data-testid="finished-page">
        page {page} of {pages}
      </span>
      <button type="button" className="rounded border border-slate-300 px-3 py-1 disabled:opacity-40" disabled={page >= pages} onClick={() => onPage(page + 1)}>
        Older →
      </button>
    </nav>
  );
}

/** Done and failed jobs: newest first, paged, filtered by owner, state and text. */
export function FinishedJobs({ refreshMs, showDetails }: { refreshMs: number; showDetails: boolean }) {
  const [owner, setOwner] = useState("");
  const [state, setState] = useState("");
  const [text, setText] = useState("");
  const [page, setPage] = useState(1);
  const filters = { owner: useDebounced(owner.trim()), q: useDebounced(text.trim()), state };
  useEffect(() => setPage(1), [filters.owner, filters.q, filters.state]);
  const query = useJobsQuery({ view: "finished", ...filters, page, pageSize: PAGE_SIZE }, refreshMs);
  const pages = query.data ? Math.max(1, Math.ceil(query.data.total / PAGE_SIZE)) : 1;

  const input = "rounded border border-slate-300 px-2 py-1 text-sm";
  return (
    <JobListPanel
      title="Finished"
      testId="finished-jobs"
      query={query}
      empty={`No finished job${filters.owner || filters.q || state ? " matches these filters" : " yet"}.`}
      footer={<PageNav page={page} pages={pages} onPage={setPage} />}
      aside={
        <div className="flex flex-wrap gap-2" role="search">
          {showDetails && <input className={`${input} w-36`} placeholder="owner" aria-label="Filter by owner" value={owner} onChange={(e) => setOwner(e.target.value)} />}
          <select className={input} aria-label="Filter by state" value={state} onChange={(e) => setState(e.target.value)}>
            <option value="">all states</option>
            {STATES.map((s) => (
              <option key={s}>{s}</option>
            ))}
          </select>
          <input className={`${input} w-40`} type="search" placeholder={showDetails ? "name or info" : "name"} aria-label="Search" value={text} onChange={(e) => setText(e.target.value)} />
        </div>
      }
    >
      {(data) => (
        <div className={`overflow-x-auto ${query.isFetching ? "opacity-90" : ""}`}>
          <table className="w-full text-sm">
            <thead>
              <tr>
                <th className={th}>Job</th>
                <th className={th}>State</th>
                <th className={`${th} hidden sm:table-cell`}>Exit</th>
                {showDetails && <th className={`${th} hidden md:table-cell`}>Owner</th>}
                <th className={`${th} hidden sm:table-cell`}>Duration</th>
                <th className={`${th} hidden sm:table-cell`}>Finished</th>
              </tr>
            </thead>
            <tbody className="divide-y divide-slate-100">
              {data.jobs.map((job) => (
                <tr key={job.id} data-testid={`finished-job-${job.id}`}>
                  <td className={td}>
                    <Link href={`/jobs/${job.id}`} className="font-medium text-blue-700 [overflow-wrap:anywhere] hover:underline">
                      {job.name}
                    </Link>
                    <ImportedTag imported={job.imported} />
                    {showDetails && job.info && <div className="max-w-48 truncate text-xs text-slate-500 sm:max-w-xs">{job.info}</div>}
                    {/* A folder removed by retention has no results: not asked for. */}
                    {!job.purgedAt && (
                      <div className="mt-1 empty:hidden">
                        <ResultsStrip id={job.id} end={resultsEnd(job)} refreshMs={refreshMs} size="small" />
                      </div>
                    )}
                  </td>
                  <td className={td}>
                    <StateBadge state={job.state} />
                    {/* On a phone the exit and the end sit under the state, so that the state stays on the screen. */}
                    <div className="text-xs text-slate-500 sm:hidden">{exitStatus(job)}</div>
                    <div className="whitespace-nowrap text-xs text-slate-500 sm:hidden">{formatDate(job.finishedAt)}</div>
                  </td>
                  <td className={`${td} hidden whitespace-nowrap tabular-nums sm:table-cell`}>{exitStatus(job)}</td>
                  {showDetails && <td className={`${td} hidden text-slate-600 md:table-cell`}>{ownerLabel(job)}</td>}
                  <td className={`${td} hidden tabular-nums sm:table-cell`}>{formatDuration(jobTimes(job).elapsedMs)}</td>
                  <td className={`${td} hidden whitespace-nowrap text-slate-600 sm:table-cell`}>{formatDate(job.finishedAt)}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
    </JobListPanel>
  );
}
