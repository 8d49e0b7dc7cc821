"use client";
import { useIsLive } from "@/lib/client/live-updates";

/** Whether the page gets pushed updates, or polls every Refresh_Rate seconds meanwhile. */
export function LiveBadge({ refreshMs }: { refreshMs: number }) {
  const live = useIsLive();
  return (
    <span
      className={`text-xs ${live ? "text-green-700" : "text-slate-500"}`}
      data-testid="live-updates"
      data-live={live ? "yes" : "no"}
      title={live ? "Changes appear as they happen." : "No live connection to the server: the page looks again every Refresh_Rate seconds."}
    >
      {live ? "● live" : `updated every ${refreshMs / 1000} s`}
    </span>
  );
}
