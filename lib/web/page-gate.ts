/**
 * The login gates of the pages, in one place. Pages hold no job data themselves (their
 * components fetch it from the API, which checks again with requireViewer), but a
 * visitor who has to log in is sent to the login page, and back afterwards, rather
 * than shown a page of refusals.
 */
import { redirect } from "next/navigation";
import { type SessionInfo, getSession, isLoginRequired } from "./auth";

const loginUrl = (nextPath: string) => `/login?next=${encodeURIComponent(nextPath)}`;

/**
 * For every page that shows jobs (dashboard, job page, submit, statistics): when
 * QMserv.cfg's Require_Login asks for a login and there is no session, go to the login.
 */
export async function requirePageViewer(nextPath: string): Promise<void> {
  if (isLoginRequired() && !(await getSession())) redirect(loginUrl(nextPath));
}

/** For the administrator's pages: the session, or off to the login. */
export async function requirePageAdmin(nextPath: string): Promise<SessionInfo> {
  const session = await getSession();
  if (!session) redirect(loginUrl(nextPath));
  return session;
}
