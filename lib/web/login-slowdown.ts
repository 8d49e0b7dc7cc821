/**
 * The slow-down of password checks (login form, HTTP Basic) that replaces a lockout.
 *
 * - Per client and account: 5 free failures, then a wait of 1 s, 2 s, 4 s ... at most
 *   30 s before the next try. The client is the connection's address (client-address.ts;
 *   IPv6 by /64), so rotating X-Forwarded-For buys nothing.
 * - Per account, against many clients at once: 20 free failures, then the same waits;
 *   it does not apply to a client that logged in to this account in the last 30 days,
 *   so the owner's scripts and browsers keep working while others hammer the account.
 * - A try that comes too early is refused at once (RATE_LIMITED, Retry-After) without
 *   checking the password: hammering costs the server nothing and teaches nothing.
 * Sessions and tokens never pass through here. State is per process, kept on
 * globalThis because Next may load this module once per route.
 */
import { AppError } from "../core/app-error";
import { clientKeyOf } from "../core/ip-address";
import { type FailureDelay, createFailureDelay } from "./failure-delay";

const MINUTE = 60_000;
const KNOWN_FOR_MS = 30 * 24 * 60 * MINUTE;
const MAX_KEYS = 10_000;

interface SlowdownState {
  perClient: FailureDelay;
  perAccount: FailureDelay;
  /** `${account}|${client}` -> last successful login. */
  known: Map<string, number>;
}

const KEY = Symbol.for("qm.web.login-slowdown");
type WithState = typeof globalThis & { [KEY]?: SlowdownState };

function state(): SlowdownState {
  const g = globalThis as WithState;
  g[KEY] ??= {
    perClient: createFailureDelay({ freeFailures: 5, firstDelayMs: 1000, maxDelayMs: 30_000, forgetAfterMs: 15 * MINUTE, maxKeys: MAX_KEYS }),
    perAccount: createFailureDelay({ freeFailures: 20, firstDelayMs: 1000, maxDelayMs: 30_000, forgetAfterMs: 15 * MINUTE, maxKeys: MAX_KEYS }),
    known: new Map(),
  };
  return g[KEY];
}

// A Basic header may carry a user name of kilobytes: keys stay short.
const keysOf = (address: string, account: string) => {
  const name = account.slice(0, 100);
  return { pair: `${clientKeyOf(address)}|${name}`, account: name };
};

function isKnown(pair: string, now: number): boolean {
  const at = state().known.get(pair);
  return at !== undefined && now - at < KNOWN_FOR_MS;
}

/** Throws RATE_LIMITED when this client must still wait before trying this account again. */
export function checkLoginPace(address: string, account: string, now = Date.now()): void {
  const { perClient, perAccount } = state();
  const keys = keysOf(address, account);
  const forAccount = isKnown(keys.pair, now) ? 0 : perAccount.waitMs(keys.account, now);
  const wait = Math.max(perClient.waitMs(keys.pair, now), forAccount);
  if (wait > 0) {
    const seconds = Math.ceil(wait / 1000);
    const why = forAccount === wait ? "for this account" : "from here";
    throw new AppError("RATE_LIMITED", `Too many failed logins ${why}; wait ${seconds} second${seconds > 1 ? "s" : ""} and try again.`, {
      retryAfterSeconds: String(seconds),
    });
  }
}

export function recordLoginFailure(address: string, account: string, now = Date.now()): void {
  const keys = keysOf(address, account);
  state().perClient.fail(keys.pair, now);
  state().perAccount.fail(keys.account, now);
}

/** The client's own count starts again, and it is known to the account from now on. */
export function recordLoginSuccess(address: string, account: string, now = Date.now()): void {
  const { perClient, known } = state();
  const keys = keysOf(address, account);
  perClient.forget(keys.pair);
  known.delete(keys.pair);
  known.set(keys.pair, now);
  if (known.size > MAX_KEYS) known.delete(known.keys().next().value!);
}
