"use client";
import type { ConfigField } from "@/lib/core/config-form";
import type { PendingRestart } from "@/lib/core/startup-keys";

/** "the web server is", "the web server and the worker are". */
export function restartWho(restart: NonNullable<ConfigField["restart"]>): string {
  return { web: "the web server is", worker: "the worker is", "web and worker": "the web server and the worker are" }[restart];
}

/** What an administrator must restart for a saved key to take effect, in words. */
export function restartAdvice(pending: Pick<PendingRestart, "key">[]): string {
  if (pending.length === 0) return "";
  const keys = pending.map((p) => p.key).join(", ");
  const both = pending.some((p) => p.key === "QM_FOLDER");
  return both
    ? `${keys} take${pending.length > 1 ? "" : "s"} effect only when the web server and the worker are restarted (stop QueueManager and start it again); until then both keep the values they started with, and uploads still go to the QM_FOLDER in use.`
    : `${keys} take${pending.length > 1 ? "" : "s"} effect only when the web server is restarted (stop QueueManager and start it again); until then it keeps answering where it started.`;
}

/**
 * What the worker must be restarted for, in words. The web server cannot see the worker's
 * start-up values, so every saved key marked `restart: "worker"` is said to wait.
 */
export function workerRestartAdvice(keys: string[]): string {
  if (keys.length === 0) return "";
  return `${keys.join(", ")} take${keys.length > 1 ? "" : "s"} effect only when the worker is restarted; until then it keeps the value${keys.length > 1 ? "s" : ""} it started with.`;
}

/** Saved values that wait for a restart: what runs now, what the file says. */
export function RestartPending({ pending }: { pending: PendingRestart[] }) {
  if (pending.length === 0) return null;
  return (
    <div role="status" data-testid="restart-pending" className="mb-5 rounded-lg border border-amber-300 bg-amber-50 px-4 py-3 text-sm text-amber-900">
      <p className="font-medium">Restart needed</p>
      <ul className="mt-1 list-disc pl-5">
        {pending.map((p) => (
          <li key={p.id} className="break-all">
            <code>{p.key}</code>: in force <code>{p.inForce}</code>, saved <code>{p.inFile}</code>
          </li>
        ))}
      </ul>
      <p className="mt-1">{restartAdvice(pending)}</p>
    </div>
  );
}
