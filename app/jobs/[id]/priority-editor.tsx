"use client";
import { useState } from "react";
import { errorMessageOf } from "@/lib/client/api-fetch";
import { usePriorityMutation } from "@/lib/client/use-job-mutations";
import type { JobDetail, Permissions } from "@/lib/core/api-types";
import { SUBMIT_NUMBER_RANGES } from "@/lib/core/submit-fields";
import { Fact } from "./job-fact";

const { min, max } = SUBMIT_NUMBER_RANGES.priority;

/**
 * A waiting job's priority, and for whoever may hold or release it (its owner, the
 * administrator) a way to change it: higher runs first, equals in submission order.
 */
export function PriorityFact({ job, can }: { job: JobDetail; can: Permissions }) {
  const mutation = usePriorityMutation(job.id);
  const [editing, setEditing] = useState(false);
  const [text, setText] = useState(String(job.priority));
  const mayChange = can.hold && (job.state === "queued" || job.state === "held");

  async function save(event: React.FormEvent) {
    event.preventDefault();
    try {
      await mutation.mutateAsync(Number(text.trim()));
      setEditing(false);
    } catch {
      // The message is shown under the field.
    }
  }

  return (
    <Fact label="Priority" testId="job-priority">
      {editing ? (
        <form onSubmit={save} aria-label="Change priority" className="flex flex-wrap items-center gap-1">
          <input
            type="number" min={min} max={max} step={1} required value={text} onChange={(e) => setText(e.target.value)} aria-label="New priority"
            className="w-20 rounded border border-slate-300 px-1.5 py-0.5 text-sm" autoFocus
          />
          <button type="submit" disabled={mutation.isPending} className="rounded bg-blue-700 px-2 py-0.5 text-xs font-medium text-white disabled:opacity-50">Save</button>
          <button type="button" className="rounded border border-slate-300 px-2 py-0.5 text-xs" onClick={() => (setEditing(false), mutation.reset())}>Cancel</button>
          {mutation.error && <span role="alert" className="w-full text-xs text-red-700">{errorMessageOf(mutation.error)}</span>}
        </form>
      ) : (
        <>
          {job.priority}
          {mayChange && (
            <button type="button" className="ml-2 text-xs text-blue-700 underline" title={`higher runs first (${min} to ${max})`} onClick={() => (setText(String(job.priority)), setEditing(true))}>
              change
            </button>
          )}
        </>
      )}
    </Fact>
  );
}
