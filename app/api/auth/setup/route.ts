import { setupSchema } from "@/lib/core/auth-schemas";
import { createFirstAdmin } from "@/lib/server/create-first-admin";
import { checkOrigin, createSession } from "@/lib/web/auth";
import { getDb } from "@/lib/web/context";
import { apiHandler, json, readJson } from "@/lib/web/http";

export const dynamic = "force-dynamic";

/** First start: create the administrator (only when none exists) and log in. */
export const POST = apiHandler(async (request) => {
  checkOrigin(request);
  const { username, password } = await readJson(request, setupSchema);
  const admin = await createFirstAdmin(getDb(), username, password);
  const { setCookie, csrfToken } = await createSession(request, admin);
  return json({ user: { username: admin.username, role: admin.role, email: admin.email }, csrfToken }, { status: 201, headers: { "Set-Cookie": setCookie } });
});
