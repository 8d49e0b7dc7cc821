import { updateUserSchema } from "@/lib/core/user-schemas";
import { updateUser } from "@/lib/server/users/users";
import { requireAdmin } from "@/lib/web/access";
import { getDb } from "@/lib/web/context";
import { apiHandler, json, readJson } from "@/lib/web/http";
import { webLog } from "@/lib/web/web-log";
import { type JobRouteContext, idFrom } from "@/lib/web/job-access";

export const dynamic = "force-dynamic";

/** Change an account: `{ email?, role?, disabled?, password? }` (administrator). */
export const PATCH = apiHandler(async (request, context: JobRouteContext) => {
  const admin = await requireAdmin(request);
  const id = await idFrom(context, "user");
  const change = await readJson(request, updateUserSchema);
  const user = await updateUser(getDb(), id, change);
  // What changed, never the password itself.
  const what = [
    change.disabled === undefined ? "" : change.disabled ? "disabled" : "enabled",
    change.role === undefined ? "" : `role ${change.role}`,
    change.password === undefined ? "" : "password set",
    change.email === undefined ? "" : "e-mail changed",
  ].filter(Boolean);
  webLog().info(`account ${user.username}: ${what.join(", ") || "nothing changed"}, by ${admin.username}`);
  return json({ user });
});
