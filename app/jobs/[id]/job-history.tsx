import { formatDate } from "@/lib/client/format-date";
import type { JobDetail } from "@/lib/core/api-types";
import { Panel } from "../../ui-bits";

function describe(detail: string | null): string {
  if (!detail) return "";
  try {
    const parsed = JSON.parse(detail) as unknown;
    if (parsed && typeof parsed === "object") {
      return Object.entries(parsed as Record<string, unknown>)
        .map(([k, v]) => `${k}: ${typeof v === "object" && v !== null ? Object.entries(v).filter(([, x]) => x !== null).map(([a, b]) => `${a}=${String(b)}`).join(", ") : String(v)}`)
        .join("; ");
    }
  } catch {
    // plain text
  }
  return detail;
}

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
            {e.detail && <span className="min-w-0 break-all text-slate-600">{describe(e.detail)}</span>}
          </li>
        ))}
      </ol>
    </Panel>
  );
}
