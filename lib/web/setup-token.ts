/**
 * The one-time token that first setup needs when it is not done from this machine.
 * While no administrator exists, anyone who reaches /setup first would become it; from
 * another machine that is proved by a token printed in the web server's log, which only
 * someone with access to the server can read. The token lives in the web process
 * (globalThis: Next may load this module once per route), is made and printed the first
 * time a remote visitor needs it, and is forgotten once setup is done.
 */
import { randomBytes, timingSafeEqual } from "node:crypto";
import { AppError } from "../core/app-error";
import { isLocalRequest } from "./client-address";

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

/** Does this visitor need the token to run setup? Makes and prints it when so. */
export function isSetupTokenRequired(request: Request): boolean {
  if (isLocalRequest(request)) return false;
  currentToken();
  return true;
}

/** FORBIDDEN unless the request is local or carries the token. */
export function checkSetupToken(request: Request, given: string | undefined): void {
  if (!isSetupTokenRequired(request)) return;
  const expected = Buffer.from(currentToken());
  const sent = Buffer.from((given ?? "").trim());
  if (sent.length !== expected.length || !timingSafeEqual(sent, expected)) {
    throw new AppError(
      "FORBIDDEN",
      given
        ? "That setup token is not the one in the web server's log; copy it again from the line starting with [setup]."
        : "Setting up from another machine needs the one-time setup token printed in the web server's log (the line starting with [setup]).",
      { token: given ? "this is not the token in the server log" : "enter the setup token from the server log" },
    );
  }
}

/** Setup is done: the token can never be used again. */
export function forgetSetupToken(): void {
  delete (globalThis as WithToken)[KEY];
}
