import { setupSchema } from "@/lib/core/auth-schemas";
import { createFirstAdmin } from "@/lib/server/create-first-admin";
import { checkOrigin, createSession } from "@/lib/web/auth";
import { getDb } from "@/lib/web/context";
import { checkKnownHost } from "@/lib/web/host-check";
import { apiHandler, json, readJson } from "@/lib/web/http";
import { checkSetupToken, forgetSetupToken } from "@/lib/web/setup-token";

export const dynamic = "force-dynamic";

/**
 * First start: create the administrator (only when none exists) and log in. Only under
 * a known Host name (DNS rebinding), and from another machine only with the one-time
 * token of the server log.
 */
export const POST = apiHandler(async (request) => {
  checkOrigin(request);
  checkKnownHost(request);
  const { username, password, token } = await readJson(request, setupSchema);
  checkSetupToken(request, token);
  const admin = await createFirstAdmin(getDb(), username, password);
  forgetSetupToken();
  const { setCookie, csrfToken } = await createSession(request, admin);
  return json({ user: { username: admin.username, role: admin.role, email: admin.email }, csrfToken }, { status: 201, headers: { "Set-Cookie": setCookie } });
});
