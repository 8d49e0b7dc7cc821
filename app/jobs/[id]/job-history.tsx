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
        {/* On a phone: the time and the state word on one line, the detail under them; from sm up the
            detail keeps the column beside them, however long it is. */}
        {events.map((e, i) => (
          <li key={i} className="flex flex-wrap gap-x-3 px-4 py-1.5">
            <span className="shrink-0 whitespace-nowrap text-slate-500 tabular-nums sm:w-40">{formatDate(e.at)}</span>
            <span className="font-medium">{e.kind}</span>
            {e.detail && <span className="min-w-0 basis-full text-slate-600 [overflow-wrap:anywhere] sm:flex-1 sm:basis-0">{describeEventDetail(e.detail)}</span>}
          </li>
        ))}
      </ol>
    </Panel>
  );
}
