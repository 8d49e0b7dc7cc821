import { createUserSchema } from "@/lib/core/user-schemas";
import { createUser, listUsers } from "@/lib/server/users/users";
import { requireAdmin } from "@/lib/web/access";
import { getDb } from "@/lib/web/context";
import { apiHandler, json, readJson } from "@/lib/web/http";
import { webLog } from "@/lib/web/web-log";

export const dynamic = "force-dynamic";

/** Every account (administrator). */
export const GET = apiHandler(async (request) => {
  await requireAdmin(request);
  return json({ users: await listUsers(getDb()) });
});

/** Create an account: `{ username, email?, role, password }` (administrator). */
export const POST = apiHandler(async (request) => {
  const admin = await requireAdmin(request);
  const user = await createUser(getDb(), await readJson(request, createUserSchema));
  webLog().info(`account ${user.username} (${user.role}) created by ${admin.username}`);
  return json({ user }, { status: 201 });
});
