/**
 * Start estimates of the waiting jobs for the API (GET /api/jobs, GET /api/jobs/:id):
 * the snapshot of the queue read now, run through the pure estimate (lib/core/start-estimate.ts).
 */
import type { StartEstimateView } from "../../core/api-types";
import type { QmConfig } from "../../core/qm-config";
import { estimateStarts } from "../../core/start-estimate";
import type { JobStore } from "../store/job-store";
import { ESTIMATE_WINDOW, readQueueSnapshot } from "./read-queue-snapshot";

export interface StartEstimates {
  /** The estimate of a waiting job (one beyond the window gets a reason, no time). */
  of(id: number): StartEstimateView;
  /** Fair share on: the CPU-seconds the owner of waiting job `id` used in the window. */
  usageOf(id: number): number | null;
}

const BEYOND: StartEstimateView = { startAt: null, reason: `more than ${ESTIMATE_WINDOW} jobs wait ahead of it; no estimate until the queue shortens` };

/** `qmFolder`: QM_FOLDER (its disk below Min_Free_MB holds every start, as the worker does). */
export async function startEstimates(store: JobStore, config: QmConfig, qmFolder: string): Promise<StartEstimates> {
  const snapshot = await readQueueSnapshot(store, config, qmFolder);
  const estimates = estimateStarts(snapshot);
  return {
    of(id) {
      const e = estimates.get(id);
      return e ? { startAt: e.startAtMs === null ? null : new Date(e.startAtMs).toISOString(), reason: e.reason } : BEYOND;
    },
    usageOf(id) {
      const ownerKey = snapshot.waiting.find((j) => j.id === id)?.ownerKey;
      return snapshot.usage && ownerKey !== undefined ? (snapshot.usage.get(ownerKey) ?? 0) : null;
    },
  };
}
