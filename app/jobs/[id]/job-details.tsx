import type { JobDetail } from "@/lib/core/api-types";
import { Panel } from "../../ui-bits";

/** Every key of the info file (hidden when Display_details is off for visitors). */
export function JobDetails({ job }: { job: JobDetail }) {
  const params = job.params ? Object.entries(job.params) : null;
  return (
    <Panel title="Info file" testId="job-info">
      {params === null ? (
        <p className="px-4 py-3 text-sm text-slate-500">Job details are hidden (Display_details is off); log in as the administrator to see them.</p>
      ) : (
        <dl className="grid grid-cols-[minmax(6rem,max-content)_1fr] gap-x-4 gap-y-1.5 px-4 py-3 text-sm">
          {params.map(([key, value]) => (
            <div key={key} className="contents" data-testid={`info-${key}`}>
              <dt className="font-mono text-xs leading-5 text-slate-500">{key}</dt>
              <dd className="whitespace-pre-wrap font-mono [overflow-wrap:anywhere] text-xs leading-5">{value}</dd>
            </div>
          ))}
          <dt className="font-mono text-xs leading-5 text-slate-500">account</dt>
          <dd className="font-mono text-xs leading-5 text-slate-600" data-testid="job-account">{job.account ?? "none (submitted without an account)"}</dd>
          <dt className="font-mono text-xs leading-5 text-slate-500">folder</dt>
          <dd className="font-mono text-xs leading-5 text-slate-600 [overflow-wrap:anywhere]">{job.folder}</dd>
        </dl>
      )}
    </Panel>
  );
}
