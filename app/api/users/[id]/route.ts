import { updateUserSchema } from "@/lib/core/user-schemas";
import { deleteUser, updateUser } from "@/lib/server/users/users";
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

/**
 * Delete an account (administrator): 200 `{ deleted: { id, username, jobs } }`. Refused (409)
 * for one's own account, the last enabled administrator, and an account that owns jobs not
 * finished; its finished jobs stay, without an account (lib/server/users/users.ts).
 */
export const DELETE = apiHandler(async (request, context: JobRouteContext) => {
  const admin = await requireAdmin(request);
  const id = await idFrom(context, "user");
  const deleted = await deleteUser(getDb(), id, admin.id);
  webLog().info(`account ${deleted.username} deleted, by ${admin.username}`);
  return json({ deleted });
});
