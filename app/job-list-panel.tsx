"use client";
import type { ReactNode } from "react";
import type { JobsAnswer } from "@/lib/core/api-types";
import { Panel, QueryError } from "./ui-bits";

/**
 * A dashboard panel of one job list (running, queued, finished): the title with the
 * count, the error, a sentence when the list is empty, and the list itself otherwise.
 */
export function JobListPanel({
  title,
  testId,
  query,
  empty,
  aside,
  footer,
  children,
}: {
  title: string;
  testId: string;
  query: { data?: JobsAnswer; error: unknown };
  empty: string;
  aside?: ReactNode;
  /** Shown under the list once an answer came, empty or not (paging). */
  footer?: ReactNode;
  children: (answer: JobsAnswer) => ReactNode;
}) {
  const { data, error } = query;
  return (
    <Panel title={`${title}${data ? ` (${data.total})` : ""}`} testId={testId} aside={aside}>
      {error ? <QueryError error={error} /> : null}
      {data && data.jobs.length === 0 && <p className="px-4 py-3 text-sm text-slate-500">{empty}</p>}
      {data && data.jobs.length > 0 && children(data)}
      {data && footer}
    </Panel>
  );
}
