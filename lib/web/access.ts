/**
 * The gates of the route handlers, from Require_Login's matrix (lib/core/access-rules.ts):
 * requireViewer to view, requireSubmitter to submit, requireUser for anything done as
 * oneself (acting on jobs, one's account), requireAdmin for users and configuration.
 */
import { type AccessRules, accessRules } from "../core/access-rules";
import { AppError } from "../core/app-error";
import type { QmConfig } from "../core/qm-config";
import { type UserIdentity, type Viewer, getViewer } from "./auth";
import { getConfig } from "./context";
import { isKnownHost } from "./host-check";

/** A viewer known to be logged in. */
export type UserViewer = Viewer & { user: UserIdentity };

export function rulesOf(config: QmConfig = getConfig().config): AccessRules {
  return accessRules(config.web.requireLogin, config.web.host);
}

/** Does viewing need a login (Require_Login = yes)? */
export function isLoginRequired(config: QmConfig = getConfig().config): boolean {
  return rulesOf(config).view === "login";
}

function checkAnonymous(request: Request, config: QmConfig, what: "view" | "submit"): void {
  if (rulesOf(config)[what] === "login") {
    throw new AppError("UNAUTHORIZED", what === "view" ? "This QueueManager asks you to log in first." : "Log in to submit jobs to this QueueManager.");
  }
  // Open to visitors only because of where we serve: never under a name this server is
  // not known by (a page elsewhere reaching us by DNS rebinding).
  if (config.web.requireLogin === "auto" && !isKnownHost(request)) {
    throw new AppError("UNAUTHORIZED", "Log in to use QueueManager from this address.");
  }
}

/** Anyone allowed to view; mutations need the CSRF header as always. */
export async function requireViewer(request: Request): Promise<Viewer> {
  const viewer = await getViewer(request);
  if (!viewer.user) checkAnonymous(request, getConfig().config, "view");
  return viewer;
}

/** Anyone allowed to submit jobs. */
export async function requireSubmitter(request: Request): Promise<Viewer> {
  const viewer = await getViewer(request);
  if (!viewer.user) checkAnonymous(request, getConfig().config, "submit");
  return viewer;
}

/** A logged-in user (UNAUTHORIZED otherwise). */
export async function requireUser(request: Request, doing = "do this"): Promise<UserViewer> {
  const viewer = await getViewer(request);
  if (!viewer.user) throw new AppError("UNAUTHORIZED", `Log in to ${doing}.`);
  return viewer as UserViewer;
}

/** The administrator: UNAUTHORIZED without a login, FORBIDDEN for other users. */
export async function requireAdmin(request: Request): Promise<UserIdentity> {
  const viewer = await requireUser(request, "do this (administrator only)");
  if (!viewer.isAdmin) throw new AppError("FORBIDDEN", "Only the administrator may do this.");
  return viewer.user;
}
