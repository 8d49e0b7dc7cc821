"use client";
import { useEffect, useRef } from "react";
import { useLogTail } from "@/lib/client/use-log-tail";
import { Panel } from "../../ui-bits";

/**
 * process.log, following new lines; stays at the bottom unless the reader scrolled up.
 * `neverRan`: the job ended without starting (cancelled, invalid), so no log is coming.
 * `waiting`: queued or held; a log there is an earlier run's (requeued), not one being written.
 */
export function LogTail({ id, refreshMs, active, neverRan = false, waiting = false }: { id: number; refreshMs: number; active: boolean; neverRan?: boolean; waiting?: boolean }) {
  const { text, exists, error } = useLogTail(id, Math.min(refreshMs, 2000), active);
  const box = useRef<HTMLPreElement>(null);
  const stick = useRef(true);
  useEffect(() => {
    if (box.current && stick.current) box.current.scrollTop = box.current.scrollHeight;
  }, [text]);
  return (
    <Panel
      title="process.log"
      aside={
        <span className="text-xs text-slate-500">
          {!exists ? (active ? "not started" : neverRan ? "never ran" : "none") : waiting ? "earlier runs; this one has not started" : active ? "following" : "complete"}
          {exists && (
            <>
              {" · "}
              <a className="text-blue-700 hover:underline" href={`/api/jobs/${id}/files/raw?path=process.log&download=1`}>
                download
              </a>
            </>
          )}
        </span>
      }
    >
      {error && <p className="px-4 pt-2 text-xs text-amber-700">Log not readable right now: {error}</p>}
      <pre
        ref={box}
        data-testid="log-tail"
        // A scrolling box: focusable so that a keyboard can scroll it (arrows, Page Up/Down,
        // Home/End), and a named region so that a screen reader says what it is.
        tabIndex={0}
        role="region"
        aria-label="process.log"
        onScroll={(e) => {
          const el = e.currentTarget;
          stick.current = el.scrollHeight - el.scrollTop - el.clientHeight < 24;
        }}
        className="max-h-96 min-h-24 overflow-auto whitespace-pre-wrap bg-slate-950 [overflow-wrap:anywhere] px-4 py-3 font-mono text-xs leading-5 text-slate-100 focus-visible:outline-2 focus-visible:outline-offset-[-2px] focus-visible:outline-blue-400"
      >
        {text || (exists ? "" : active ? "(no process.log yet)" : neverRan ? "(no process.log: this job ended without running)" : "(no process.log in the job folder)")}
      </pre>
    </Panel>
  );
}
