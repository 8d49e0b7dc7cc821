import type { RetentionAnswer } from "@/lib/core/api-types";
import { retentionEnabled } from "@/lib/core/retention";
import { archivePlaceNow } from "@/lib/server/retention/archive-place";
import { trustedUids } from "@/lib/server/real-path";
import { readRetentionPlan } from "@/lib/server/retention/read-retention-plan";
import { nextAutomaticPass, readLastPass, readPassRequest, readScheduledFrom, requestRetentionPass } from "@/lib/server/retention/retention-state";
import { readWorkerSetup } from "@/lib/server/store/worker-status";
import { requireAdmin } from "@/lib/web/access";
import { getConfig, getLayout, getStore } from "@/lib/web/context";
import { apiHandler, json } from "@/lib/web/http";
import { webLog } from "@/lib/web/web-log";

export const dynamic = "force-dynamic";

/** The dry run: what the worker's next retention pass removes, read the way the pass reads it. Admin only. */
export const GET = apiHandler(async (request) => {
  await requireAdmin(request);
  const { retention } = getConfig().config;
  const sql = getStore().sql;
  const [lastPass, requestedAt, scheduledFrom] = await Promise.all([readLastPass(sql), readPassRequest(sql), readScheduledFrom(sql)]);
  // Sizes from a recent walk of the folders (the page asks every few seconds): measuredAt says when.
  const plan = await readRetentionPlan(sql, getLayout(), retention, { recent: { lastPassAt: lastPass ? new Date(lastPass.at) : null } });
  const enabled = retentionEnabled(retention);
  // As the worker will judge it at the pass: for root when it runs as root (jobs as their own uid).
  const { runsAsRoot } = await readWorkerSetup(sql);
  const archiveProblem = retention.archiveFolder ? archivePlaceNow(retention.archiveFolder, getConfig().config.qmFolder, getConfig().path, trustedUids(runsAsRoot)).problem : null;
  return json({
    settings: retention,
    enabled,
    items: plan.purge.map((p) => ({ id: p.id, name: p.name, state: p.state, folder: p.folder, endedAt: p.endedAt.toISOString(), sizeBytes: p.sizeBytes, reason: p.reason })),
    cutoff: plan.cutoff?.toISOString() ?? null,
    ceilingBytes: plan.ceilingBytes,
    usedBytes: plan.usedBytes,
    measuredAt: plan.measuredAt?.toISOString() ?? null,
    afterBytes: plan.afterBytes,
    freedBytes: plan.purge.reduce((sum, p) => sum + p.sizeBytes, 0),
    lastPass,
    archiveProblem,
    requestedAt,
    nextPassAt: enabled ? (nextAutomaticPass(lastPass, scheduledFrom)?.toISOString() ?? null) : null,
    serverTime: new Date().toISOString(),
  } satisfies RetentionAnswer);
});

/** Ask the worker for a retention pass now (admin, CSRF): it removes what the dry run lists. */
export const POST = apiHandler(async (request) => {
  const admin = await requireAdmin(request);
  await requestRetentionPass(getStore().sql, getLayout());
  webLog().info(`retention pass requested by ${admin.username}`);
  return json({ ok: true }, { status: 202 });
});
