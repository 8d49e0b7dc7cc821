import { updateConfigSchema } from "@/lib/core/config-schemas";
import { getConfigForm, updateConfig } from "@/lib/server/edit-config";
import { requireAdmin } from "@/lib/web/access";
import { getConfig, getConfigInForce, getEnv, getPendingRestarts } from "@/lib/web/context";
import { apiHandler, json, readJson } from "@/lib/web/http";
import { webLog } from "@/lib/web/web-log";

export const dynamic = "force-dynamic";

/** QMserv.cfg as a form: fields with type, bounds and value (secrets: only `set`). Admin only. */
export const GET = apiHandler(async (request) => {
  await requireAdmin(request);
  getConfig(); // reads the file again when it changed (the default is written only at the first reading)
  return json({ ...getConfigForm(getEnv().configPath, getConfigInForce()), restartPending: await getPendingRestarts() });
});

/** Save edited values `{ version, values: { "Section.Key": "value" } }`. Admin only, CSRF. */
export const PUT = apiHandler(async (request) => {
  const admin = await requireAdmin(request);
  const input = await readJson(request, updateConfigSchema);
  const result = updateConfig(getEnv().configPath, input, getConfigInForce());
  // The keys, never their values (secrets among them).
  if (result.changed.length) webLog().info(`QMserv.cfg saved by ${admin.username}: ${result.changed.join(", ")}`);
  // Read it back now so that this process serves the new settings at once (all but the
  // keys it reads only at start, listed in restartPending).
  getConfig();
  return json({ ...result, restartPending: await getPendingRestarts() });
});
