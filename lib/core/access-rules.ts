/**
 * Require_Login as a matrix (docs/web-auth.md): who may view and who may submit, for each
 * setting. Acting on a job (kill, requeue, delete, hold, release) always needs a login and
 * is decided per job by job-permissions.ts.
 *
 * | Require_Login | view      | submit |
 * | no            | anyone    | anyone |
 * | auto, Host = localhost | anyone | anyone |
 * | auto, other Host       | anyone | login  |
 * | yes           | login     | login  |
 */

export type Access = "anyone" | "login";

export interface AccessRules {
  view: Access;
  submit: Access;
}

const LOCAL_HOSTS = new Set(["localhost", "127.0.0.1", "::1", "[::1]"]);

/** Is this Host (QMserv.cfg or a request's Host header, without port) this machine only? */
export function isLocalHost(host: string): boolean {
  return LOCAL_HOSTS.has(host.trim().toLowerCase());
}

export function accessRules(requireLogin: "auto" | "yes" | "no", host: string): AccessRules {
  if (requireLogin === "yes") return { view: "login", submit: "login" };
  if (requireLogin === "no" || isLocalHost(host)) return { view: "anyone", submit: "anyone" };
  return { view: "anyone", submit: "login" };
}
