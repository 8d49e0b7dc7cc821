/**
 * The one-time token that first setup needs unless it is done on this machine by the web
 * server's own account or root. While no administrator exists, anyone who reaches /setup
 * first would become it; anyone else proves access to the server with a token printed in
 * the web server's log, which only the operator can read. "This machine" alone is not
 * enough: jobs run here too, as unprivileged uids, and connect from 127.0.0.1; so a
 * loopback connection is asked whose socket it is (localClientUid). The token lives in
 * the web process (globalThis: Next may load this module once per route), is made and
 * printed the first time a visitor needs it, and is forgotten once setup is done.
 */
import { randomBytes, timingSafeEqual } from "node:crypto";
import { AppError } from "../core/app-error";
import { isLocalRequest, isOperatorUid, localClientUid } from "./client-address";

const KEY = Symbol.for("qm.web.setup-token");
type WithToken = typeof globalThis & { [KEY]?: string };

function currentToken(): string {
  const g = globalThis as WithToken;
  if (!g[KEY]) {
    g[KEY] = randomBytes(18).toString("base64url");
    console.log(`[setup] No administrator account yet. To create it from another machine, open /setup there and enter this one-time setup token: ${g[KEY]}`);
  }
  return g[KEY];
}

/** Where the visitor is, as far as setup is concerned. */
function whereFrom(request: Request): "operator" | "another account" | "afar" {
  if (!isLocalRequest(request)) return "afar";
  const uid = localClientUid(request);
  // Root and the web server's own account can read its log anyway.
  return uid !== null && isOperatorUid(uid) ? "operator" : "another account";
}

/** Does this visitor need the token to run setup? Makes and prints it when so. */
export function isSetupTokenRequired(request: Request): boolean {
  if (whereFrom(request) === "operator") return false;
  currentToken();
  return true;
}

/** FORBIDDEN unless the request comes from the operator's account or carries the token. */
export function checkSetupToken(request: Request, given: string | undefined): void {
  const from = whereFrom(request);
  if (from === "operator") return;
  const expected = Buffer.from(currentToken());
  const sent = Buffer.from((given ?? "").trim());
  if (sent.length !== expected.length || !timingSafeEqual(sent, expected)) {
    const who =
      from === "afar"
        ? "Setting up from another machine"
        : "Setting up from an account of this machine other than the web server's (or root), a job's for instance,";
    throw new AppError(
      "FORBIDDEN",
      given
        ? "That setup token is not the one in the web server's log; copy it again from the line starting with [setup]."
        : `${who} needs the one-time setup token printed in the web server's log (the line starting with [setup]).`,
      {
        token: given
          ? "this is not the token in the web server's log; copy it again from the line starting with [setup]"
          : "enter the one-time token printed in the web server's log (the line starting with [setup])",
      },
    );
  }
}

/** Setup is done: the token can never be used again. */
export function forgetSetupToken(): void {
  delete (globalThis as WithToken)[KEY];
}
