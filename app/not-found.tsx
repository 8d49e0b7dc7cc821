import { BackToDashboard } from "./ui-bits";

/** Any address that is no page (and /jobs/abc): said in the app's own frame, with the way back. */
export default function NotFound() {
  return (
    <section className="space-y-3">
      <BackToDashboard />
      <h1 className="text-2xl font-semibold">Page not found</h1>
      <p className="max-w-2xl text-sm text-slate-600">
        There is no page at this address. A job&apos;s page is <code className="rounded bg-slate-100 px-1">/jobs/</code> followed by its number (<code className="rounded bg-slate-100 px-1">/jobs/17</code>), an array&apos;s{" "}
        <code className="rounded bg-slate-100 px-1">/arrays/</code> followed by its number; the dashboard lists them all.
      </p>
    </section>
  );
}
