import { updateUserSchema } from "@/lib/core/user-schemas";
import { updateUser } from "@/lib/server/users/users";
import { requireAdmin } from "@/lib/web/access";
import { getDb } from "@/lib/web/context";
import { apiHandler, json, readJson } from "@/lib/web/http";
import { type JobRouteContext, idFrom } from "@/lib/web/job-access";

export const dynamic = "force-dynamic";

/** Change an account: `{ email?, role?, disabled?, password? }` (administrator). */
export const PATCH = apiHandler(async (request, context: JobRouteContext) => {
  await requireAdmin(request);
  const id = await idFrom(context, "user");
  const user = await updateUser(getDb(), id, await readJson(request, updateUserSchema));
  return json({ user });
});
