import { getSession, isLoginRequired, isSetupNeeded } from "@/lib/web/auth";
import { apiHandler, json } from "@/lib/web/http";

export const dynamic = "force-dynamic";

/**
 * Who is logged in, the CSRF token for mutations (any value works without a session),
 * whether viewing needs a login, and whether /setup must run first.
 */
export const GET = apiHandler(async (request) => {
  const session = await getSession(request);
  return json({
    admin: session ? { username: session.admin.username } : null,
    csrfToken: session?.csrfToken ?? "anonymous",
    loginRequired: isLoginRequired(),
    setupNeeded: await isSetupNeeded(),
  });
});
