"use client";
import { useStatusQuery } from "@/lib/client/use-status-query";
import { DiskBanner } from "./disk-banner";
import { ArraysPanel } from "./arrays-panel";
import { FinishedJobs } from "./finished-jobs";
import { LiveBadge } from "./live-badge";
import { QueuedJobs } from "./queued-jobs";
import { RunningJobs } from "./running-jobs";
import { StatusSummary } from "./status-summary";
import { QueryError } from "./ui-bits";

/** The queues at a glance, updated as they change (every Refresh_Rate seconds without a live connection). */
export function Dashboard() {
  const { data: status, error } = useStatusQuery();
  const refreshMs = (status?.refreshRate ?? 2) * 1000;
  const showDetails = status ? status.displayDetails || status.isAdmin : false;
  return (
    <div className="space-y-5">
      <div className="flex items-baseline gap-3">
        <h1 className="text-2xl font-semibold">Dashboard</h1>
        <LiveBadge refreshMs={refreshMs} />
      </div>
      {error && <QueryError error={error} />}
      {status && (
        <>
          <DiskBanner disk={status.disk} />
          <StatusSummary status={status} />
          <RunningJobs refreshMs={refreshMs} showDetails={showDetails} />
          <ArraysPanel refreshMs={refreshMs} showDetails={showDetails} />
          <QueuedJobs refreshMs={refreshMs} showDetails={showDetails} can={status.can} />
          <FinishedJobs refreshMs={refreshMs} showDetails={showDetails} />
        </>
      )}
    </div>
  );
}
