import { getSession, isLoginRequired, isSetupNeeded } from "@/lib/web/auth";
import { apiHandler, json } from "@/lib/web/http";
import { isSetupTokenRequired } from "@/lib/web/setup-token";

export const dynamic = "force-dynamic";

/**
 * Who is logged in, the CSRF token for mutations (any value works without a session),
 * whether viewing needs a login, whether /setup must run first, and whether this
 * visitor needs the setup token of the server log for it (printed then).
 */
export const GET = apiHandler(async (request) => {
  const session = await getSession(request);
  const setupNeeded = await isSetupNeeded();
  return json({
    admin: session ? { username: session.admin.username } : null,
    csrfToken: session?.csrfToken ?? "anonymous",
    loginRequired: isLoginRequired(),
    setupNeeded,
    setupTokenRequired: setupNeeded && isSetupTokenRequired(request),
  });
});
