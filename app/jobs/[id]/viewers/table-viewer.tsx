"use client";
import { useMemo, useState } from "react";
import { MAX_TABLE_ROWS, useCsvStream } from "@/lib/client/use-csv-stream";
import { compareCells, numericColumns } from "@/lib/core/csv-table";
import { formatBytes } from "@/lib/core/format";
import { TablePlot } from "./table-plot";

/** Rows put in the page at first; the rest on demand. */
const FIRST_SHOWN = 200;

/**
 * A CSV or TSV file as a table: its first rows (read while they arrive, the rest not
 * downloaded), sorted by a click on a column's name (again: the other way, a third
 * time: file order), a quick plot of two numeric columns, and a note when cut.
 */
export function TableViewer({ id, path, size, downloadUrl }: { id: number; path: string; size: number; downloadUrl: string }) {
  const table = useCsvStream(id, path);
  const [sort, setSort] = useState<{ column: number; dir: 1 | -1 } | null>(null);
  const [shown, setShown] = useState(FIRST_SHOWN);
  const numeric = useMemo(() => (table.done ? numericColumns(table.rows, table.columns.length) : []), [table.done, table.rows, table.columns.length]);
  // Each row with its number in the file, which sorting keeps.
  const rows = useMemo(() => {
    const numbered = table.rows.map((row, i) => ({ row, n: i + 1 }));
    return sort ? numbered.sort((a, b) => compareCells(a.row[sort.column], b.row[sort.column]) * sort.dir) : numbered;
  }, [table.rows, sort]);
  const toggle = (column: number) => setSort((s) => (s?.column !== column ? { column, dir: 1 } : s.dir === 1 ? { column, dir: -1 } : null));

  if (table.error) return <p className="px-4 py-3 text-sm text-red-700">{table.error}</p>;
  if (!table.columns.length) return <p className="px-4 py-3 text-sm text-slate-500">{table.done ? "This table is empty." : "Loading…"}</p>;
  return (
    <div data-testid="table-viewer">
      <p className="px-4 py-2 text-xs text-slate-600" data-testid="table-note">
        {table.truncated ? (
          <>
            Showing the first {MAX_TABLE_ROWS.toLocaleString()} rows of a {formatBytes(size)} file; the rest was not read.{" "}
            <a className="text-blue-700 hover:underline" href={downloadUrl}>
              Download it
            </a>{" "}
            for all of it.
          </>
        ) : (
          `${table.rows.length.toLocaleString()} rows, ${table.columns.length} columns${table.done ? "" : " (reading…)"}`
        )}
        {" · click a column's name to sort"}
      </p>
      <div className="max-h-[60vh] overflow-auto border-y border-slate-100">
        <table className="text-xs">
          <thead className="sticky top-0 bg-slate-50">
            <tr>
              <th className="px-2 py-1 text-right font-normal text-slate-400">#</th>
              {table.columns.map((c, i) => (
                <th key={i} className={`whitespace-nowrap px-3 py-1 font-medium ${numeric.includes(i) ? "text-right" : "text-left"}`}>
                  <button type="button" className="hover:text-blue-700" onClick={() => toggle(i)} aria-label={`Sort by ${c}`}>
                    {c}
                    {sort?.column === i ? (sort.dir === 1 ? " ▲" : " ▼") : ""}
                  </button>
                </th>
              ))}
            </tr>
          </thead>
          <tbody className="divide-y divide-slate-100 font-mono" data-testid="table-rows">
            {rows.slice(0, shown).map(({ row, n }) => (
              <tr key={n}>
                <td className="px-2 py-0.5 text-right text-slate-400">{n}</td>
                {table.columns.map((_, i) => (
                  <td key={i} className={`whitespace-nowrap px-3 py-0.5 ${numeric.includes(i) ? "text-right tabular-nums" : ""}`}>
                    {row[i] ?? ""}
                  </td>
                ))}
              </tr>
            ))}
          </tbody>
        </table>
      </div>
      {rows.length > shown && (
        <button type="button" className="mx-4 my-2 text-xs text-blue-700 hover:underline" onClick={() => setShown(rows.length)}>
          Show all {rows.length.toLocaleString()} rows read
        </button>
      )}
      {table.done && numeric.length >= 1 && <TablePlot columns={table.columns} rows={table.rows} numeric={numeric} />}
    </div>
  );
}
