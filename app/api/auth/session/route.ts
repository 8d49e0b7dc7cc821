import type { SessionUser } from "@/lib/core/account-types";
import { rulesOf } from "@/lib/web/access";
import { getSession, getViewer, isSetupNeeded } from "@/lib/web/auth";
import { apiHandler, json } from "@/lib/web/http";

export const dynamic = "force-dynamic";

/**
 * Who is logged in (by session, token or trusted proxy), the CSRF token for mutations (any
 * value works without a session), what needs a login, and whether /setup must run first.
 */
export const GET = apiHandler(async (request) => {
  const [viewer, session] = await Promise.all([getViewer(request), getSession(request)]);
  const rules = rulesOf();
  const user: SessionUser | null = viewer.user ? { username: viewer.user.username, role: viewer.user.role, email: viewer.user.email } : null;
  return json({
    user,
    via: viewer.via,
    csrfToken: session?.csrfToken ?? "anonymous",
    loginRequired: rules.view === "login",
    submitNeedsLogin: rules.submit === "login",
    setupNeeded: await isSetupNeeded(),
  });
});
