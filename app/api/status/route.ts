import type { StatusAnswer } from "@/lib/core/api-types";
import { diskStatus } from "@/lib/server/disk-space";
import { getQueueStatus } from "@/lib/server/queue-status";
import { requireViewer } from "@/lib/web/auth";
import { getConfig, getDb, getLayout, getStore } from "@/lib/web/context";
import { permissionsOf } from "@/lib/web/job-access";
import { apiHandler, json } from "@/lib/web/http";

export const dynamic = "force-dynamic";

/**
 * Counts per state, processors in use out of MaxNbProcessors, machine load, the worker's
 * heartbeat, and the page settings the UI follows (Refresh_Rate, Display_details).
 */
export const GET = apiHandler(async (request) => {
  const viewer = await requireViewer(request);
  const { config } = getConfig();
  const status = await getQueueStatus(getDb(), config.maxNbProcessors);
  return json({
    ...status,
    disk: diskStatus(getLayout().root, config.minFreeMb),
    paused: await getStore().readPause(),
    refreshRate: config.web.refreshRate,
    displayDetails: config.web.displayDetails,
    isAdmin: viewer.isAdmin,
    can: permissionsOf(viewer),
    serverTime: new Date().toISOString(),
  } satisfies StatusAnswer);
});
