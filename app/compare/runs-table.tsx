import Link from "next/link";
import { type ReactNode, useId } from "react";
import { th } from "../ui-bits";
import type { ShownRun } from "./compare-view";

/** The column heading of one run: its name (to its page) and id. */
function RunHeading({ run }: { run: ShownRun }) {
  return (
    <span className="block min-w-28">
      <Link href={`/jobs/${run.id}`} className="font-medium normal-case text-blue-700 [overflow-wrap:anywhere] hover:underline">
        {run.job.name}
      </Link>
      <span className="block text-xs font-normal normal-case text-slate-500">
        job {run.id}
        {run.job.arrayIndex !== null && ` · element ${run.job.arrayIndex}`}
      </span>
    </span>
  );
}

/**
 * A table with one column per run (headed by the run) after a first column named `corner`;
 * `children` are its rows. Wider than a phone from three runs: it says that it scrolls, and
 * takes the keyboard's focus to be scrolled with the arrows, as the statistics' table does.
 */
export function RunsTable({ runs, corner, bodyClass = "", children }: { runs: ShownRun[]; corner: string; bodyClass?: string; children: ReactNode }) {
  const hint = useId();
  const wide = runs.length > 2;
  return (
    <>
      {wide && (
        <p id={hint} className="mb-1 px-4 text-xs text-slate-500 md:hidden">
          Scroll the table sideways for more runs.
        </p>
      )}
      <div className="overflow-x-auto focus-visible:outline-2 focus-visible:outline-blue-600" {...(wide ? { tabIndex: 0, role: "region", "aria-label": corner || "Runs side by side", "aria-describedby": hint } : {})}>
        <table className="w-full text-sm">
          <thead>
            <tr>
              <th className={th}>{corner}</th>
              {runs.map((r) => (
                <th key={r.id} className={th}>
                  <RunHeading run={r} />
                </th>
              ))}
            </tr>
          </thead>
          <tbody className={`divide-y divide-slate-100 ${bodyClass}`}>{children}</tbody>
        </table>
      </div>
    </>
  );
}
