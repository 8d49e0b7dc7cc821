import type { StatusAnswer } from "@/lib/core/api-types";
import { diskStatus } from "@/lib/server/disk-space";
import { getQueueStatus } from "@/lib/server/queue-status";
import { requireViewer } from "@/lib/web/access";
import { getConfig, getDb, getLayout, getStore } from "@/lib/web/context";
import { permissionsFor } from "@/lib/web/permissions";
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
    jobFile: config.jobFile,
    isAdmin: viewer.isAdmin,
    can: permissionsFor(viewer, null),
    serverTime: new Date().toISOString(),
  } satisfies StatusAnswer);
});
