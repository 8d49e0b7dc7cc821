import type { SessionUser } from "@/lib/core/account-types";
import { rulesOf } from "@/lib/web/access";
import { getSession, getViewer, isSetupNeeded } from "@/lib/web/auth";
import { apiHandler, json } from "@/lib/web/http";
import { isSetupTokenRequired } from "@/lib/web/setup-token";

export const dynamic = "force-dynamic";

/**
 * Who is logged in (by session, token or trusted proxy), the CSRF token for mutations (any
 * value works without a session), what needs a login, whether /setup must run first, and
 * whether this visitor needs the setup token of the server log for it (printed then).
 */
export const GET = apiHandler(async (request) => {
  const [viewer, session, setupNeeded] = await Promise.all([getViewer(request), getSession(request), isSetupNeeded()]);
  const rules = rulesOf();
  const user: SessionUser | null = viewer.user ? { username: viewer.user.username, role: viewer.user.role, email: viewer.user.email } : null;
  return json({
    user,
    via: viewer.via,
    csrfToken: session?.csrfToken ?? "anonymous",
    loginRequired: rules.view === "login",
    submitNeedsLogin: rules.submit === "login",
    setupNeeded,
    setupTokenRequired: setupNeeded && isSetupTokenRequired(request),
  });
});
