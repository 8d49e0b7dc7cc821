import Link from "next/link";
import type { ShownRun } from "./compare-view";

/** The column heading of one run: its name (to its page) and id. */
export function RunHeading({ run }: { run: ShownRun }) {
  return (
    <span className="block min-w-28">
      <Link href={`/jobs/${run.id}`} className="font-medium normal-case text-blue-700 [overflow-wrap:anywhere] hover:underline">
        {run.job.name}
      </Link>
      <span className="block text-xs font-normal normal-case text-slate-500">job {run.id}</span>
    </span>
  );
}
