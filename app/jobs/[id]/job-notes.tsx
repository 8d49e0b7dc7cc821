import { isScriptNote } from "@/lib/core/reading-notes";

/**
 * What QueueManager read instead of what, and what a waiting job will get that differs from
 * what it asked: warnings, in amber. That the job is a script with #QM lines is a way to
 * submit, not a problem: said plainly, apart.
 */
export function JobNotes({ notes }: { notes: string[] | undefined }) {
  if (!notes?.length) return null;
  const reading = notes.filter(isScriptNote);
  const warnings = notes.filter((note) => !isScriptNote(note));
  return (
    <>
      {reading.map((note) => (
        <p key={note} className="mt-2 text-sm text-slate-600 [overflow-wrap:anywhere]" data-testid="job-reading">
          {note}
        </p>
      ))}
      {warnings.length > 0 && (
        <ul className="mt-2 space-y-1 rounded bg-amber-50 p-3 text-sm text-amber-900" data-testid="job-notes" aria-label="Notes">
          {warnings.map((note) => (
            <li key={note} className="[overflow-wrap:anywhere]">
              {note}
            </li>
          ))}
        </ul>
      )}
    </>
  );
}
