/**
 * The login gates of the pages, in one place. Pages hold no job data themselves (their
 * components fetch it from the API, which checks again with the gates of access.ts), but
 * a visitor who has to log in is sent to the login page, and back afterwards, rather than
 * shown a page of refusals. Identification is the API's own (session, trusted proxy).
 */
import { redirect } from "next/navigation";
import type { UserIdentity } from "../server/users/users";
import { isLoginRequired, rulesOf } from "./access";
import { getViewer } from "./auth";

const loginUrl = (nextPath: string) => `/login?next=${encodeURIComponent(nextPath)}`;

/** The user behind the current page request (its cookie or the trusted proxy's header), or null. */
async function pageUser(): Promise<UserIdentity | null> {
  const { headers } = await import("next/headers");
  const request = new Request("http://page.local/", { headers: await headers() });
  return (await getViewer(request).catch(() => null))?.user ?? null;
}

/**
 * For every page that shows jobs (dashboard, job page, statistics): when Require_Login
 * asks for a login to view and nobody is logged in, go to the login.
 */
export async function requirePageViewer(nextPath: string): Promise<void> {
  if (isLoginRequired() && !(await pageUser())) redirect(loginUrl(nextPath));
}

/** The submit page: a login when submitting needs one. */
export async function requirePageSubmitter(nextPath: string): Promise<void> {
  if (rulesOf().submit === "login" && !(await pageUser())) redirect(loginUrl(nextPath));
}

/** A page of one's own (the account page): the user, or off to the login. */
export async function requirePageUser(nextPath: string): Promise<UserIdentity> {
  const user = await pageUser();
  if (!user) redirect(loginUrl(nextPath));
  return user;
}

/** The administrator's pages: anonymous visitors log in, other users go to their account page. */
export async function requirePageAdmin(nextPath: string): Promise<UserIdentity> {
  const user = await requirePageUser(nextPath);
  if (user.role !== "admin") redirect("/account?admin-only=1");
  return user;
}
