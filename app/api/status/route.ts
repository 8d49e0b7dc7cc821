import type { StatusAnswer } from "@/lib/core/api-types";
import { requireViewer } from "@/lib/web/access";
import { apiHandler, json } from "@/lib/web/http";
import { getLiveStatus } from "@/lib/web/live-updates";
import { permissionsFor } from "@/lib/web/permissions";

export const dynamic = "force-dynamic";

/**
 * Counts per state, processors in use out of MaxNbProcessors, machine load, the worker's
 * heartbeat, and the page settings the UI follows (Refresh_Rate, Display_details).
 * Open pages also get the same status pushed by GET /api/events.
 */
export const GET = apiHandler(async (request) => {
  const viewer = await requireViewer(request);
  return json({ ...(await getLiveStatus()), isAdmin: viewer.isAdmin, can: permissionsFor(viewer, null) } satisfies StatusAnswer);
});
