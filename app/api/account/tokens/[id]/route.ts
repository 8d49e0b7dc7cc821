import { revokeApiToken } from "@/lib/server/users/api-tokens";
import { requireUser } from "@/lib/web/access";
import { getDb } from "@/lib/web/context";
import { apiHandler, json } from "@/lib/web/http";
import { type JobRouteContext, idFrom } from "@/lib/web/job-access";

export const dynamic = "force-dynamic";

/** Revoke one of one's tokens: scripts using it are refused from now on. */
export const DELETE = apiHandler(async (request, context: JobRouteContext) => {
  const viewer = await requireUser(request, "revoke an API token");
  const token = await revokeApiToken(getDb(), viewer.user.id, await idFrom(context, "token"));
  return json({ token });
});
