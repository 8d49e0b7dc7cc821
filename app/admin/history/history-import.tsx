"use client";
import Link from "next/link";
import { errorMessageOf } from "@/lib/client/api-fetch";
import { formatDate } from "@/lib/client/format-date";
import { useHistoryQuery, useImportHistoryMutation } from "@/lib/client/use-history-import";
import type { ImportReport } from "@/lib/core/qm-history";
import { QueryError } from "../../ui-bits";

/** Import the finished folders of an earlier QM (or of QM_dJobs copied in by hand) as history. */
export function HistoryImport() {
  const query = useHistoryQuery();
  const run = useImportHistoryMutation();
  const report = run.data?.report ?? query.data?.last ?? null;
  return (
    <section className="mx-auto max-w-3xl space-y-4">
      <h1 className="text-2xl font-semibold">History import</h1>
      <p className="text-sm text-slate-600">
        Folders in QM_dJobs and QM_lost+found that no job names yet (those of the Python QM, 0.2 to 0.4, or copied in by hand) become finished jobs, marked
        <span className="mx-1 rounded bg-slate-100 px-1 text-xs">imported</span>, with the exit code and duration their process.log records. They stay where
        they are. This runs once at the first start; importing again only adds folders that are new.
      </p>
      {query.error ? <QueryError error={query.error} next="/admin/history" /> : null}
      {query.data && (
        <p className="text-sm" data-testid="imported-count">
          {query.data.importedJobs} imported job{query.data.importedJobs === 1 ? "" : "s"} in the history.
        </p>
      )}
      <button type="button" disabled={run.isPending} onClick={() => run.mutate()} className="rounded bg-blue-700 px-4 py-2 text-sm font-medium text-white hover:bg-blue-800 disabled:opacity-50">
        {run.isPending ? "Importing…" : "Import now"}
      </button>
      {run.error && <p role="alert" className="text-sm text-red-700">{errorMessageOf(run.error)}</p>}
      {report && <ReportView report={report} />}
    </section>
  );
}

/** How many of an import's problems (and renamed folders) are listed; the count says how many there were. */
const SHOWN_PROBLEMS = 20;

function ReportView({ report }: { report: ImportReport }) {
  return (
    <div role="status" data-testid="import-report" className="rounded-lg border border-slate-200 bg-white p-4 text-sm">
      <p>
        Last import {formatDate(report.at)}: <strong>{report.imported}</strong> folder{report.imported === 1 ? "" : "s"} imported, {report.known} already known.
        {!!report.waiting && ` ${report.waiting} folder${report.waiting === 1 ? " was" : "s were"} moved there in the last minute and may still be recorded by the worker: import again in a minute.`}
      </p>
      {report.ids.length > 0 && (
        <p className="mt-1">
          First new job: <Link className="text-blue-700 hover:underline" href={`/jobs/${report.ids[0]}`}>job {report.ids[0]}</Link>.
        </p>
      )}
      {report.renamed && report.renamed.length > 0 && (
        <div className="mt-2" data-testid="import-renamed">
          <p>
            {report.renamed.length} folder{report.renamed.length === 1 ? " was" : "s were"} renamed first: {report.renamed.length === 1 ? "its name was" : "their names were"} not UTF-8 and
            {report.renamed.length === 1 ? " was" : " were"} read as Latin-1, the encoding of older systems.
          </p>
          <ul className="mt-1 list-disc pl-5">
            {report.renamed.slice(0, SHOWN_PROBLEMS).map((r) => (
              <li key={r} className="font-mono text-xs">{r}</li>
            ))}
          </ul>
        </div>
      )}
      {report.problems.length > 0 && (
        <>
          <p className="mt-2 text-red-800" data-testid="import-problem-count">
            {report.problems.length} folder{report.problems.length === 1 ? " was" : "s were"} not imported
            {report.problems.length > SHOWN_PROBLEMS ? ` (the first ${SHOWN_PROBLEMS} below)` : ""}; fix what each says and import again.
          </p>
          <ul className="mt-1 list-disc pl-5 text-red-800">
            {report.problems.slice(0, SHOWN_PROBLEMS).map((p) => (
              <li key={p}>{p}</li>
            ))}
          </ul>
        </>
      )}
    </div>
  );
}
