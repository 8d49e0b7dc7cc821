"use client";
import { useState } from "react";
import { errorMessageOf } from "@/lib/client/api-fetch";
import { type ArrayAction, useArrayActionMutation } from "@/lib/client/use-queue-control";
import type { ArrayActionRefusal, ArrayRefusals, ArraySummary, Permissions } from "@/lib/core/api-types";
import { alreadyWords, leftActiveWords } from "@/lib/core/array-action-words";
import { ConfirmPopover } from "../../confirm-popover";

const LABEL: Record<ArrayAction, string> = { hold: "Hold all", release: "Release all", kill: "Kill all", requeue: "Requeue unfinished", delete: "Delete all" };
const QUESTION: Partial<Record<ArrayAction, string>> = {
  kill: "Kill the whole array? Waiting elements are cancelled, running ones get SIGTERM, then SIGKILL.",
  requeue: "Put every element that did not end done back in the queue?",
  delete: "Delete every element that is not running, with its folder? Running ones are left: kill them first.",
};

/** " 3 not requeued: Job 14 waits (after_ok) for job 12, which ended failed..." (the first reason). */
function refusedNote(refused: { id: number; reason: string }[] = []): string {
  return refused.length ? ` ${refused.length} not requeued: ${refused[0].reason}` : "";
}

/**
 * What the server said beforehand it would refuse (`refused` of GET /api/arrays/:id), said
 * beside the button: for every element, why it cannot be pressed; for some, how many stay.
 */
function refusalWords({ refused, of, reason }: ArrayActionRefusal): string {
  return refused.length >= of
    ? `Cannot requeue now: ${of === 1 ? "its unfinished element" : `none of its ${of} unfinished elements`} can be requeued. ${reason}`
    : `${refused.length} of ${of} unfinished elements would not be requeued: ${reason}`;
}

/**
 * Actions on every element of the array they fit; the destructive ones ask first. A requeue
 * the server would refuse for every element is shown disabled, described by the reason, as
 * on the job page; refused for some, the button says how many and why.
 */
export function ArrayActions({ array, can, refused = {} }: { array: ArraySummary; can: Permissions; refused?: ArrayRefusals }) {
  const mutation = useArrayActionMutation(array.id);
  const [asking, setAsking] = useState<ArrayAction | null>(null);
  const [result, setResult] = useState<string | null>(null);
  const c = array.counts;
  const has = (...states: string[]) => states.some((s) => (c[s] ?? 0) > 0);
  const available: ArrayAction[] = [];
  if (can.hold && has("queued")) available.push("hold");
  if (can.release && has("held")) available.push("release");
  if (can.kill && has("queued", "held", "running", "pending")) available.push("kill");
  if (can.requeue && has("failed", "killed", "cancelled", "lost", "timeout", "oom", "invalid")) available.push("requeue");
  if (can.delete && has("queued", "held", "done", "failed", "killed", "cancelled", "lost", "timeout", "oom", "invalid")) available.push("delete");
  if (!available.length) return null;
  const refusal = (a: ArrayAction) => (a === "requeue" ? refused.requeue : undefined);
  const refusedAll = (a: ArrayAction) => {
    const r = refusal(a);
    return !!r && r.refused.length >= r.of;
  };

  async function run(action: ArrayAction) {
    setAsking(null);
    const done = await mutation.mutateAsync(action).catch(() => null);
    if (!done) return;
    const notes = [
      action === "hold" || action === "release" ? alreadyWords(action, done) : "",
      action === "hold" || action === "delete" ? leftActiveWords(action, done, "kill them first") : "",
    ].filter(Boolean);
    const kill = [done.cancelled?.length ? `${done.cancelled.length} waiting cancelled` : "", done.pending?.length && action === "kill" ? `${done.pending.length} pending in Slurm` : ""].filter(Boolean);
    setResult(`${LABEL[action]}: ${done.applied.length} element(s)${kill.length ? ` (${kill.join(", ")})` : ""}${done.skipped.length ? `, ${done.skipped.length} changed meanwhile and were left alone` : ""}${notes.map((n) => `; ${n}`).join("")}.${refusedNote(done.refused)}`);
  }

  return (
    <div className="relative flex flex-col items-end gap-2">
      <div className="flex flex-wrap gap-2">
        {available.map((a) => (
          <button key={a} type="button" disabled={mutation.isPending || refusedAll(a)} aria-describedby={refusal(a) ? `refused-${a}` : undefined}
            onClick={() => (QUESTION[a] ? setAsking(a) : run(a))}
            className={`rounded px-3 py-1.5 text-sm font-medium disabled:opacity-50 ${refusedAll(a) ? "disabled:cursor-not-allowed " : ""}${a === "kill" || a === "delete" ? "bg-red-700 text-white hover:bg-red-800" : "border border-slate-300 text-slate-700 hover:bg-slate-100"}`}>
            {LABEL[a]}
          </button>
        ))}
      </div>
      {available.map((a) => {
        const r = refusal(a);
        return r ? (
          <p key={a} id={`refused-${a}`} className="max-w-sm text-right text-sm text-slate-600">
            {refusalWords(r)}
          </p>
        ) : null;
      })}
      {asking && (
        <ConfirmPopover
          key={asking}
          label={`Confirm ${LABEL[asking]}`}
          question={QUESTION[asking]!}
          yes={`Yes, ${LABEL[asking].toLowerCase()}`}
          yesClass="bg-red-700"
          onYes={() => run(asking)}
          onCancel={() => setAsking(null)}
        />
      )}
      {mutation.error ? <p role="alert" className="text-sm text-red-700">{errorMessageOf(mutation.error)}</p> : result && <p className="text-sm text-slate-600">{result}</p>}
    </div>
  );
}
