import { formatDate } from "@/lib/client/format-date";
import type { JobDetail } from "@/lib/core/api-types";
import { describeEventDetail } from "@/lib/core/event-detail";
import { Panel } from "../../ui-bits";

/** The job's state changes and actions, oldest first. */
export function JobHistory({ events }: { events: JobDetail["events"] }) {
  return (
    <Panel title="History" testId="job-history">
      <ol className="divide-y divide-slate-100 text-sm">
        {events.length === 0 && <li className="px-4 py-3 text-slate-500">No events yet.</li>}
        {events.map((e, i) => (
          <li key={i} className="flex flex-wrap gap-x-3 px-4 py-1.5">
            <span className="w-40 shrink-0 whitespace-nowrap text-slate-500 tabular-nums">{formatDate(e.at)}</span>
            <span className="font-medium">{e.kind}</span>
            {e.detail && <span className="min-w-0 text-slate-600 [overflow-wrap:anywhere]">{describeEventDetail(e.detail)}</span>}
          </li>
        ))}
      </ol>
    </Panel>
  );
}
