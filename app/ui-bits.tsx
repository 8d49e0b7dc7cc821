/** Small shared pieces of the pages: state badge, progress bar, section frame, errors, login link. */
import Link from "next/link";
import { ApiError } from "@/lib/client/api-fetch";

const STATE_STYLE: Record<string, string> = {
  queued: "bg-slate-100 text-slate-700",
  running: "bg-blue-100 text-blue-800",
  done: "bg-green-100 text-green-800",
  failed: "bg-red-100 text-red-800",
  killed: "bg-orange-100 text-orange-800",
  invalid: "bg-amber-100 text-amber-900",
  lost: "bg-purple-100 text-purple-800",
  timeout: "bg-rose-100 text-rose-800",
  oom: "bg-rose-100 text-rose-800",
  held: "bg-yellow-100 text-yellow-900",
  pending: "bg-sky-100 text-sky-800",
  cancelled: "bg-stone-200 text-stone-700",
};

/** A job's state; `label` words it for people when the state alone says too little ("pending in Slurm"). */
export function StateBadge({ state, label }: { state: string; label?: string }) {
  return <span className={`inline-block rounded px-2 py-0.5 text-xs font-medium ${STATE_STYLE[state] ?? "bg-slate-100"}`}>{label ?? state}</span>;
}

/** A job imported from an earlier installation's finished folders. */
export function ImportedTag({ imported }: { imported: boolean }) {
  return imported ? <span className="ml-2 rounded bg-slate-100 px-1.5 py-0.5 text-xs text-slate-600" title="imported from an earlier QM's finished folders">imported</span> : null;
}

/** `tone`: blue while running, grey for a job that ended without finishing. */
export function ProgressBar({ percent, testId, tone = "active" }: { percent: number | null; testId?: string; tone?: "active" | "stopped" | "done" }) {
  const value = percent ?? 0;
  return (
    <div className="flex items-center gap-2">
      <div
        className="h-2.5 w-full min-w-20 overflow-hidden rounded-full bg-slate-200"
        role="progressbar"
        aria-valuemin={0}
        aria-valuemax={100}
        aria-valuenow={percent ?? undefined}
        data-testid={testId}
        data-value={percent ?? ""}
      >
        <div className={`h-full rounded-full transition-all duration-500 ${tone === "active" ? "bg-blue-600" : tone === "done" ? "bg-green-600" : "bg-slate-400"}`} style={{ width: `${value}%` }} />
      </div>
      <span className="w-12 shrink-0 text-right text-xs tabular-nums text-slate-600">{percent === null ? "—" : `${value.toFixed(0)}%`}</span>
    </div>
  );
}

export function Panel({ title, aside, children, testId }: { title: string; aside?: React.ReactNode; children: React.ReactNode; testId?: string }) {
  return (
    <section className="rounded-lg border border-slate-200 bg-white" data-testid={testId}>
      <div className="flex flex-wrap items-center justify-between gap-2 border-b border-slate-100 px-4 py-2.5">
        <h2 className="font-semibold">{title}</h2>
        {aside}
      </div>
      {children}
    </section>
  );
}

/** "← Dashboard" above a page's title. */
export function BackToDashboard() {
  return (
    <Link href="/" className="text-sm text-blue-700 hover:underline">
      ← Dashboard
    </Link>
  );
}

/** The way to the login page; `next`: where to come back to afterwards. */
export function LoginLink({ next, className = "underline" }: { next?: string; className?: string }) {
  return (
    <Link className={className} href={next ? `/login?next=${encodeURIComponent(next)}` : "/login"}>
      Log in
    </Link>
  );
}

/** A failed request: the server's message, with a login link when a login would help (401). */
export function QueryError({ error, next }: { error: unknown; next?: string }) {
  if (error instanceof ApiError && error.status === 401) {
    return (
      <p role="alert" className="rounded bg-amber-50 p-3 text-sm text-amber-900">
        {error.message} <LoginLink next={next} />
      </p>
    );
  }
  return (
    <p role="alert" className="rounded bg-red-50 p-3 text-sm text-red-800">
      {error instanceof Error ? error.message : "Cannot reach the server."}
    </p>
  );
}

export const th = "px-3 py-2 text-left text-xs font-medium uppercase tracking-wide text-slate-500";
export const td = "px-3 py-2 align-top";
