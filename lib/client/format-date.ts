/**
 * Dates in the reader's own time zone and locale, so this stays in the browser
 * (durations and sizes, which read the same everywhere, are in lib/core/format.ts).
 */

/** The time alone for today's dates, the day and time otherwise; "—" when there is none. */
export function formatDate(iso: string | null | undefined): string {
  if (!iso) return "—";
  const d = new Date(iso);
  const today = new Date();
  const sameDay = d.toDateString() === today.toDateString();
  const time = d.toLocaleTimeString(undefined, { hour: "2-digit", minute: "2-digit", second: "2-digit" });
  return sameDay ? time : `${d.toLocaleDateString(undefined, { year: "numeric", month: "short", day: "numeric" })} ${time}`;
}

/** The day alone ("Jan 5, 2026"), for what happened once on a date; "—" when there is none. */
export function formatDay(iso: string | null | undefined): string {
  return iso ? new Date(iso).toLocaleDateString(undefined, { year: "numeric", month: "short", day: "numeric" }) : "—";
}
