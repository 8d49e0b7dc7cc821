"use client";
import { useState } from "react";
import { infoKeyRows } from "@/lib/core/compare-runs";
import { Panel, td } from "../ui-bits";
import type { ShownRun } from "./compare-view";
import { RunsTable } from "./runs-table";

/** The info keys of the runs side by side; those whose values differ are marked (and can be shown alone). */
export function CompareKeys({ runs }: { runs: ShownRun[] }) {
  const [onlyDiffering, setOnlyDiffering] = useState(false);
  const hidden = runs.some((r) => r.job.params === null);
  const rows = infoKeyRows(runs.map((r) => r.job.params));
  const differing = rows.filter((r) => r.differs).length;
  const shown = onlyDiffering ? rows.filter((r) => r.differs) : rows;
  return (
    <Panel
      title="Info keys"
      testId="compare-keys"
      aside={
        <label className="flex items-center gap-2 text-xs text-slate-600">
          <input type="checkbox" checked={onlyDiffering} onChange={(e) => setOnlyDiffering(e.target.checked)} />
          only the {differing} that differ
        </label>
      }
    >
      {hidden && <p className="px-4 py-2 text-sm text-slate-500">Job details are hidden (Display_details is off); log in as the administrator to compare info keys.</p>}
      <RunsTable runs={runs} corner="key" bodyClass="font-mono text-xs">
        {shown.map((row) => (
          <tr key={row.key} data-testid={`compare-key-${row.key}`} data-differs={row.differs} className={row.differs ? "bg-amber-50" : ""}>
            <th scope="row" className={`${td} text-left font-normal text-slate-500`}>
              {row.differs && <span className="mr-1 text-amber-600" aria-label="differs">●</span>}
              {row.key}
            </th>
            {row.values.map((v, i) => (
              <td key={i} className={`${td} whitespace-pre-wrap [overflow-wrap:anywhere] ${row.differs ? "font-semibold text-amber-900" : ""}`}>
                {v ?? <span className="text-slate-400">(none)</span>}
              </td>
            ))}
          </tr>
        ))}
      </RunsTable>
    </Panel>
  );
}
