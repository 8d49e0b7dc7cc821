/**
 * Administrator sessions, HTTP Basic for scripts, CSRF and origin checks, and the
 * Require_Login policy. Route handlers call requireViewer/requireAdmin first thing.
 *
 * - Cookie `qm_session` (httpOnly, SameSite=Lax) holds a random token; the database
 *   stores only its SHA-256 (Session.id), so a leaked database opens no session.
 * - Mutations with a cookie need header `x-qm-csrf` equal to the session's csrfToken
 *   (the UI gets it from GET /api/auth/session) and, when sent, an Origin of this host.
 * - `Authorization: Basic` (admin user and password) works for scripts without CSRF:
 *   browsers never attach it cross-site unless asked, and we never send a challenge.
 */
import { createHash, randomBytes, timingSafeEqual } from "node:crypto";
import { AppError } from "../core/app-error";
import type { QmConfig } from "../core/qm-config";
import { verifyPassword } from "../server/password";
import { clientAddress } from "./client-address";
import { getConfig, getDb } from "./context";
import { isKnownHost } from "./host-check";
import { checkLoginPace, recordLoginFailure, recordLoginSuccess } from "./login-slowdown";

export { clientAddress };

export const SESSION_COOKIE = "qm_session";
export const CSRF_HEADER = "x-qm-csrf";
const SESSION_DAYS = 7;
const LOCAL_HOSTS = new Set(["localhost", "127.0.0.1", "::1", "[::1]"]);

/** The administrator behind a request. */
export interface AdminIdentity {
  id: number;
  username: string;
}

export interface SessionInfo {
  admin: AdminIdentity;
  csrfToken: string;
  expiresAt: Date;
}

/** Who is asking: an administrator (by session or Basic) or an anonymous viewer. */
export interface Viewer {
  admin: AdminIdentity | null;
  via: "session" | "basic" | "anonymous";
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
    if (eq > 0 && part.slice(0, eq).trim() === name) return decodeURIComponent(part.slice(eq + 1).trim());
  }
  return undefined;
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
  if (!session || session.expiresAt.getTime() <= Date.now() || session.user.disabled || session.user.role !== "admin") return null;
  return { admin: { id: session.user.id, username: session.user.username }, csrfToken: session.csrfToken, expiresAt: session.expiresAt };
}

/** Check a user name and password, slowed down after failures (login-slowdown.ts); returns the admin or throws UNAUTHORIZED. */
export async function verifyCredentials(request: Request, username: string, password: string): Promise<AdminIdentity> {
  const address = clientAddress(request);
  checkLoginPace(address, username);
  const found = await getDb().user.findUnique({ where: { username } });
  const admin = found && !found.disabled && found.role === "admin" ? found : null;
  const ok = admin ? await verifyPassword(password, admin.passwordHash) : await verifyPassword(password, DUMMY_HASH);
  if (!admin || !ok) {
    recordLoginFailure(address, username);
    throw new AppError("UNAUTHORIZED", "Wrong user name or password.");
  }
  recordLoginSuccess(address, username);
  return { id: admin.id, username: admin.username };
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

/** The admin or anonymous viewer behind a request, with CSRF checked for mutations. */
export async function getViewer(request: Request): Promise<Viewer> {
  const basic = basicCredentials(request);
  if (basic) {
    const admin = await verifyCredentials(request, basic.username, basic.password);
    return { admin, via: "basic", isAdmin: true };
  }
  const session = await getSession(request);
  if (!isSafeMethod(request)) checkCsrf(request, session?.csrfToken ?? null);
  return session ? { admin: session.admin, via: "session", isAdmin: true } : { admin: null, via: "anonymous", isAdmin: false };
}

/** Does QMserv.cfg ask for a login to view and submit? */
export function isLoginRequired(config: QmConfig = getConfig().config): boolean {
  const mode = config.web.requireLogin;
  if (mode === "yes") return true;
  if (mode === "no") return false;
  return !LOCAL_HOSTS.has(config.web.host.trim().toLowerCase());
}

/** An admin is required: UNAUTHORIZED without credentials, FORBIDDEN on a CSRF failure. */
export async function requireAdmin(request: Request): Promise<AdminIdentity> {
  const viewer = await getViewer(request);
  if (!viewer.admin) throw new AppError("UNAUTHORIZED", "Log in as the administrator to do this.");
  return viewer.admin;
}

/**
 * Anyone allowed to view (and submit): everybody when no login is required, otherwise
 * the administrator. Mutations need the CSRF header in both cases.
 */
export async function requireViewer(request: Request): Promise<Viewer> {
  const viewer = await getViewer(request);
  if (viewer.admin) return viewer;
  const config = getConfig().config;
  if (isLoginRequired(config)) throw new AppError("UNAUTHORIZED", "This QueueManager asks you to log in first.");
  if (config.web.requireLogin === "auto") {
    // Open only because we serve on localhost: refuse other Host names (DNS rebinding).
    if (!isKnownHost(request)) throw new AppError("UNAUTHORIZED", "Log in to use QueueManager from this address.");
  }
  return viewer;
}

/** Start a session: returns the Set-Cookie value and the CSRF token. */
export async function createSession(request: Request, admin: AdminIdentity): Promise<{ setCookie: string; csrfToken: string }> {
  const token = randomBytes(32).toString("base64url");
  const csrfToken = randomBytes(24).toString("base64url");
  const expiresAt = new Date(Date.now() + SESSION_DAYS * 86_400_000);
  const db = getDb();
  await db.session.deleteMany({ where: { expiresAt: { lt: new Date() } } });
  await db.session.create({ data: { id: sha256(token), userId: admin.id, csrfToken, expiresAt } });
  return { setCookie: sessionCookie(request, token, SESSION_DAYS * 86_400), csrfToken };
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
