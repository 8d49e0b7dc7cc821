"use client";
import Link from "next/link";
import { useState } from "react";
import { errorMessageOf } from "@/lib/client/api-fetch";
import { formatDate } from "@/lib/client/format-date";
import { useRetentionQuery, useRunRetentionMutation } from "@/lib/client/use-retention-query";
import type { RetentionAnswer } from "@/lib/core/api-types";
import { formatBytes } from "@/lib/core/format";
import { QueryError, StateBadge, td, th } from "../../ui-bits";

function Rules({ data }: { data: RetentionAnswer }) {
  const { keepDays, maxGb, archiveFolder } = data.settings;
  return (
    <ul className="list-disc space-y-1 pl-5 text-sm text-slate-700">
      <li>{keepDays > 0 ? `Folders of jobs that ended more than ${keepDays} days ago (before ${formatDate(data.cutoff)}) go (Keep_Days).` : "No age limit (Keep_Days = 0)."}</li>
      <li>
        {maxGb > 0
          ? `QM_dJobs and QM_lost+found may take ${formatBytes(data.ceilingBytes!)} (Keep_Max_GB); they took ${formatBytes(data.usedBytes ?? 0)} when measured (${formatDate(data.measuredAt)}), ${formatBytes(data.afterBytes ?? 0)} after the pass.`
          : "No disk ceiling (Keep_Max_GB = 0)."}
      </li>
      <li>{archiveFolder ? `Folders are moved to ${archiveFolder} (Archive_Folder).` : "Folders are deleted (no Archive_Folder)."} The jobs&apos; records stay, marked as purged.</li>
    </ul>
  );
}

/** The dry run of the next retention pass, and a button to have the worker run it now. */
export function RetentionView() {
  const query = useRetentionQuery();
  const run = useRunRetentionMutation();
  const [asking, setAsking] = useState(false);
  if (query.error) return <QueryError error={query.error} next="/admin/retention" />;
  const data = query.data;
  if (!data) return <p className="text-sm text-slate-500">Loading…</p>;
  const pending = data.requestedAt !== null && (!data.lastPass || data.requestedAt > data.lastPass.at);

  return (
    <section className="mx-auto max-w-5xl space-y-5">
      <div>
        <h1 className="mb-1 text-2xl font-semibold">Retention</h1>
        <p className="text-sm text-slate-600">
          Once a day the worker removes the folders of old finished jobs; queued and running jobs are never touched. The rules come from the{" "}
          <Link href="/admin/config" className="underline">
            configuration
          </Link>
          :
        </p>
      </div>
      <Rules data={data} />
      {data.archiveProblem && (
        <p className="rounded border border-amber-300 bg-amber-50 px-3 py-2 text-sm text-amber-900" role="alert" data-testid="archive-problem">
          A pass now would move and remove nothing: {data.archiveProblem}.
        </p>
      )}
      <p className="text-sm text-slate-700" data-testid="last-pass">
        {!data.lastPass
          ? "No pass has run yet."
          : data.lastPass.stopped
            ? `Last pass ${formatDate(data.lastPass.at)} moved and removed nothing: ${data.lastPass.stopped}.`
            : `Last pass ${formatDate(data.lastPass.at)}: ${data.lastPass.removed} removed, ${data.lastPass.archived} archived, ${formatBytes(data.lastPass.freedBytes)} freed${data.lastPass.failed ? `, ${data.lastPass.failed} could not be removed (see the worker's log)` : ""}.`}
        {!data.enabled && " Retention is off: set Keep_Days or Keep_Max_GB to turn it on."}
        {data.enabled &&
          (data.nextPassAt
            ? ` Next automatic pass: ${formatDate(data.nextPassAt)} or within the hour after (the worker looks every hour).`
            : " The worker schedules the first automatic pass a day after it sees these keys (within the hour); until then only the button below runs one.")}
      </p>
      <div className="rounded-lg border border-slate-200 bg-white">
        <div className="flex flex-wrap items-center justify-between gap-3 border-b border-slate-200 px-4 py-3">
          <h2 className="font-semibold" data-testid="dry-run-summary">
            The next pass removes {data.items.length} folder{data.items.length === 1 ? "" : "s"} ({formatBytes(data.freedBytes)})
          </h2>
          {data.items.length > 0 &&
            (asking ? (
              <span className="flex items-center gap-2 text-sm" role="alertdialog" aria-label="Confirm the retention pass">
                {data.settings.archiveFolder ? "Move these folders to the archive now?" : "Delete these folders now? This cannot be undone."}
                <button type="button" className="rounded border border-slate-300 px-3 py-1" onClick={() => setAsking(false)}>
                  Cancel
                </button>
                <button type="button" disabled={run.isPending} className="rounded bg-red-700 px-3 py-1 font-medium text-white disabled:opacity-50" onClick={() => run.mutateAsync().finally(() => setAsking(false))}>
                  Yes, run it
                </button>
              </span>
            ) : (
              <button type="button" disabled={pending} className="rounded border border-red-300 px-3 py-1.5 text-sm font-medium text-red-700 hover:bg-red-50 disabled:opacity-50" onClick={() => setAsking(true)}>
                {pending ? "The worker is running the pass…" : "Run the pass now"}
              </button>
            ))}
        </div>
        {run.error && <p role="alert" className="px-4 py-2 text-sm text-red-700">{errorMessageOf(run.error)}</p>}
        {data.items.length > 0 && (
          <div className="overflow-x-auto">
            <table className="w-full text-sm" data-testid="dry-run">
              <thead>
                <tr className="border-b border-slate-200">
                  {["job", "state", "ended", "size", "why", "folder"].map((h) => (
                    <th key={h} className={th}>
                      {h}
                    </th>
                  ))}
                </tr>
              </thead>
              <tbody className="divide-y divide-slate-100">
                {data.items.map((item) => (
                  <tr key={item.id}>
                    <td className={td}>
                      <Link href={`/jobs/${item.id}`} className="text-blue-700 hover:underline">
                        #{item.id} {item.name}
                      </Link>
                    </td>
                    <td className={td}>
                      <StateBadge state={item.state} />
                    </td>
                    <td className={td}>{formatDate(item.endedAt)}</td>
                    <td className={td}>{formatBytes(item.sizeBytes)}</td>
                    <td className={td}>{item.reason === "age" ? "older than Keep_Days" : "above Keep_Max_GB"}</td>
                    <td className={`${td} break-all font-mono text-xs`}>{item.folder}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
        )}
      </div>
    </section>
  );
}
