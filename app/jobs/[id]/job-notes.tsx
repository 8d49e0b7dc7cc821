/** What QueueManager read instead of what, and what a waiting job will get that differs from what it asked. */
export function JobNotes({ notes }: { notes: string[] | undefined }) {
  if (!notes?.length) return null;
  return (
    <ul className="mt-2 space-y-1 rounded bg-amber-50 p-3 text-sm text-amber-900" data-testid="job-notes" aria-label="Notes">
      {notes.map((note) => (
        <li key={note} className="[overflow-wrap:anywhere]">
          {note}
        </li>
      ))}
    </ul>
  );
}
