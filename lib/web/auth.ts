/**
 * Who is behind a request: sessions, HTTP Basic and API tokens for scripts, the trusted
 * proxy's header, CSRF and origin checks. Route handlers call the gates of access.ts
 * (requireViewer, requireSubmitter, requireUser, requireAdmin), which start here.
 *
 * - Cookie `qm_session` (httpOnly, SameSite=Lax) holds a random token; the database
 *   stores only its SHA-256 (Session.id), so a leaked database opens no session.
 * - Mutations with a cookie need header `x-qm-csrf` equal to the session's csrfToken
 *   (the UI gets it from GET /api/auth/session) and, when sent, an Origin of this host.
 * - `Authorization: Basic` (user name and password) and `Authorization: Bearer <token>`
 *   work for scripts without CSRF: browsers never attach them cross-site unless asked,
 *   and we never send a challenge.
 * - A reverse proxy's `Trusted_User_Header` names the user, from Trusted_Proxies only
 *   (proxy-user.ts); the browser behind it sends a CSRF header like anonymous visitors.
 */
import { createHash, randomBytes, timingSafeEqual } from "node:crypto";
import { AppError } from "../core/app-error";
import { verifyPassword } from "../server/password";
import { identifyApiToken } from "../server/users/api-tokens";
import { type UserIdentity, toIdentity } from "../server/users/users";
import { clientAddress, loginClientOf } from "./client-address";
import { getConfig, getDb } from "./context";
import { startLoginTry } from "./login-slowdown";
import { proxyUser } from "./proxy-user";

export { clientAddress };
export type { UserIdentity } from "../server/users/users";

export const SESSION_COOKIE = "qm_session";
export const CSRF_HEADER = "x-qm-csrf";
const SESSION_DAYS = 7;

export interface SessionInfo {
  user: UserIdentity;
  csrfToken: string;
  expiresAt: Date;
}

/** Who is asking: a user (by session, Basic, API token or trusted proxy) or an anonymous visitor. */
export interface Viewer {
  user: UserIdentity | null;
  via: "session" | "basic" | "token" | "proxy" | "anonymous";
  isAdmin: boolean;
}

const sha256 = (value: string) => createHash("sha256").update(value).digest("hex");

function safeEqual(a: string, b: string): boolean {
  const x = Buffer.from(a);
  const y = Buffer.from(b);
  return x.length === y.length && timingSafeEqual(x, y);
}

function readCookie(header: string | null, name: string): string | undefined {
  if (!header) return undefined;
  for (const part of header.split(";")) {
    const eq = part.indexOf("=");
    if (eq > 0 && part.slice(0, eq).trim() === name) return decodeCookieValue(part.slice(eq + 1).trim());
  }
  return undefined;
}

/**
 * A cookie value as sent, or undefined when its %-escapes are malformed: never one of ours
 * (our tokens are base64url), and anyone able to set a cookie for this host (a sibling
 * subdomain) could otherwise make every request of that browser fail with a 500.
 */
function decodeCookieValue(value: string): string | undefined {
  try {
    return decodeURIComponent(value);
  } catch {
    return undefined;
  }
}

async function sessionToken(request?: Request): Promise<string | undefined> {
  if (request) return readCookie(request.headers.get("cookie"), SESSION_COOKIE);
  const { cookies } = await import("next/headers");
  return (await cookies()).get(SESSION_COOKIE)?.value;
}

/** The session of the request's cookie (or of the current page request), or null. */
export async function getSession(request?: Request): Promise<SessionInfo | null> {
  const token = await sessionToken(request);
  if (!token || token.length > 200) return null;
  const session = await getDb().session.findUnique({ where: { id: sha256(token) }, include: { user: true } });
  if (!session || session.expiresAt.getTime() <= Date.now() || session.user.disabled) return null;
  return { user: toIdentity(session.user), csrfToken: session.csrfToken, expiresAt: session.expiresAt };
}

/**
 * Check a user name and password, slowed down after failures (login-slowdown.ts); returns
 * the user or throws UNAUTHORIZED (a disabled account's right password: saying so, and
 * counted as a failure all the same).
 */
export async function verifyCredentials(request: Request, username: string, password: string): Promise<UserIdentity> {
  return withPasswordTry(request, username, async () => {
    const user = await getDb().user.findUnique({ where: { username } });
    const ok = await verifyPassword(password, user ? user.passwordHash : DUMMY_HASH);
    if (!user || !ok) throw new AppError("UNAUTHORIZED", "Wrong user name or password.");
    // Said only to whoever knows the password, so a guesser learns nothing; still a failed try.
    if (user.disabled) throw new AppError("UNAUTHORIZED", `The account ${user.username} is disabled; ask the administrator to enable it again.`);
    return toIdentity(user);
  });
}

/**
 * Runs `check`, a check of `username`'s password (a login, or the current password of a
 * password change), under the login slow-down: refused with RATE_LIMITED while this
 * client must wait, counted as a failed try when it throws, forgotten when it returns.
 * Guesses at the login and at a password change add up.
 */
export async function withPasswordTry<T>(request: Request, username: string, check: () => Promise<T>, failures?: string): Promise<T> {
  const attempt = startLoginTry(loginClientOf(request), username, Date.now(), failures);
  const result = await check();
  attempt.succeeded();
  return result;
}

// Verifying against a fixed hash when the user does not exist keeps the timing equal.
const DUMMY_HASH = "scrypt$00000000000000000000000000000000$" + "00".repeat(64);

function basicCredentials(request: Request): { username: string; password: string } | null {
  const header = request.headers.get("authorization");
  if (!header || !/^basic /i.test(header)) return null;
  const decoded = Buffer.from(header.slice(6).trim(), "base64").toString("utf8");
  const colon = decoded.indexOf(":");
  if (colon < 0) throw new AppError("UNAUTHORIZED", "The Authorization header must be Basic base64(user:password).");
  return { username: decoded.slice(0, colon), password: decoded.slice(colon + 1) };
}

/** The token of `Authorization: Bearer <token>`, or null. */
function bearerToken(request: Request): string | null {
  const header = request.headers.get("authorization");
  return header && /^bearer /i.test(header) ? header.slice(7).trim() : null;
}

const isSafeMethod = (request: Request) => ["GET", "HEAD", "OPTIONS"].includes(request.method.toUpperCase());

/** Reject a browser request sent from another site (Origin differs from Host). */
export function checkOrigin(request: Request): void {
  const origin = request.headers.get("origin");
  if (!origin) return;
  const host = request.headers.get("x-forwarded-host") || request.headers.get("host");
  let originHost: string | null = null;
  try {
    originHost = origin === "null" ? null : new URL(origin).host;
  } catch {
    originHost = null;
  }
  if (!host || originHost !== host) {
    throw new AppError("FORBIDDEN", "This request came from another site (its Origin does not match this server); it was refused.");
  }
}

function checkCsrf(request: Request, expected: string | null): void {
  checkOrigin(request);
  const sent = request.headers.get(CSRF_HEADER);
  // Without a session any value will do: a custom header cannot be sent cross-site
  // without a CORS preflight, which this server never grants.
  if (!sent || (expected !== null && !safeEqual(sent, expected))) {
    throw new AppError("FORBIDDEN", `Missing or stale ${CSRF_HEADER} header; reload the page and try again.`);
  }
}

/** The user or anonymous visitor behind a request, with CSRF checked for mutations. */
export async function getViewer(request: Request): Promise<Viewer> {
  // First the proxy: one doing LDAP with HTTP Basic passes the user's Authorization
  // header on, and that LDAP password is not one QueueManager knows.
  const proxied = await proxyUser(request, getConfig().config);
  if (proxied) {
    if (!isSafeMethod(request)) checkCsrf(request, null);
    return { user: proxied, via: "proxy", isAdmin: proxied.role === "admin" };
  }
  const basic = basicCredentials(request);
  if (basic) {
    const user = await verifyCredentials(request, basic.username, basic.password);
    return { user, via: "basic", isAdmin: user.role === "admin" };
  }
  const token = bearerToken(request);
  if (token !== null) {
    const user = await identifyApiToken(getDb(), token);
    if (!user) throw new AppError("UNAUTHORIZED", "This API token is not valid (revoked, mistyped, or its account is disabled); create a new one on your account page.");
    return { user, via: "token", isAdmin: user.role === "admin" };
  }
  const session = await getSession(request);
  if (session) {
    if (!isSafeMethod(request)) checkCsrf(request, session.csrfToken);
    return { user: session.user, via: "session", isAdmin: session.user.role === "admin" };
  }
  if (!isSafeMethod(request)) checkCsrf(request, null);
  return { user: null, via: "anonymous", isAdmin: false };
}

/** Start a session: returns the Set-Cookie value and the CSRF token. */
export async function createSession(request: Request, user: UserIdentity): Promise<{ setCookie: string; csrfToken: string }> {
  const token = randomBytes(32).toString("base64url");
  const csrfToken = randomBytes(24).toString("base64url");
  const expiresAt = new Date(Date.now() + SESSION_DAYS * 86_400_000);
  const db = getDb();
  await db.session.deleteMany({ where: { expiresAt: { lt: new Date() } } });
  await db.session.create({ data: { id: sha256(token), userId: user.id, csrfToken, expiresAt } });
  return { setCookie: sessionCookie(request, token, SESSION_DAYS * 86_400), csrfToken };
}

/** The stored id of the request's session (to keep it when the others end), or null. */
export function sessionIdOf(request: Request): string | null {
  const token = readCookie(request.headers.get("cookie"), SESSION_COOKIE);
  return token ? sha256(token) : null;
}

/** End the request's session (if any); returns the Set-Cookie value that clears it. */
export async function endSession(request: Request): Promise<string> {
  const token = readCookie(request.headers.get("cookie"), SESSION_COOKIE);
  if (token) await getDb().session.deleteMany({ where: { id: sha256(token) } });
  return sessionCookie(request, "", 0);
}

function sessionCookie(request: Request, value: string, maxAge: number): string {
  const secure = request.headers.get("x-forwarded-proto") === "https" || new URL(request.url).protocol === "https:";
  return `${SESSION_COOKIE}=${value}; Path=/; HttpOnly; SameSite=Lax; Max-Age=${maxAge}${secure ? "; Secure" : ""}`;
}

/** True when no administrator account exists yet (the /setup page is open). */
export async function isSetupNeeded(): Promise<boolean> {
  return (await getDb().user.count({ where: { role: "admin" } })) === 0;
}
