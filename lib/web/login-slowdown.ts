/**
 * The slow-down of password checks (login form, HTTP Basic) that replaces a lockout.
 *
 * - Per client and account: 5 free failures, then a wait of 1 s, 2 s, 4 s ... at most
 *   30 s before the next try. The client is the connection's address (client-address.ts;
 *   IPv6 by /64), so rotating X-Forwarded-For buys nothing.
 * - Per account, against many clients at once: 20 free failures, then the same waits;
 *   it does not apply to a client that logged in to this account in the last 30 days,
 *   so the owner's scripts and browsers keep working while others hammer the account.
 * - Per client, whatever the account: 30 free failures, then the same waits; it does not
 *   apply to an account this client logged in to in the last 30 days. Without it, a
 *   client naming a new user each time was never slowed, and each try cost a password
 *   check (scrypt: tens of ms of CPU, 16 MB): 300 such tries from one address kept the
 *   server's password checks busy for 18 s, a user's Basic request waiting 15 s of it.
 * - A try that comes too early is refused at once (RATE_LIMITED, Retry-After) without
 *   checking the password: hammering costs the server nothing and teaches nothing.
 * - A try is counted as a failure the moment it is let through, and taken back if the
 *   password was right: tries sent together are judged one after the other. Counted only
 *   once checked (a password check takes tens of milliseconds), a burst of 400 tries
 *   from one address all passed the pace check before the first failure was recorded:
 *   288 passwords were checked in 27 s instead of about 8.
 * - A password change checks the current password through here too, counted as a login
 *   of that account from that client: guesses there and at the login add up.
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
  /** Per client, all accounts together. */
  perAddress: FailureDelay;
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
    perAddress: createFailureDelay({ freeFailures: 30, firstDelayMs: 1000, maxDelayMs: 30_000, forgetAfterMs: 15 * MINUTE, maxKeys: MAX_KEYS }),
    perAccount: createFailureDelay({ freeFailures: 20, firstDelayMs: 1000, maxDelayMs: 30_000, forgetAfterMs: 15 * MINUTE, maxKeys: MAX_KEYS }),
    known: new Map(),
  };
  return g[KEY];
}

// A Basic header may carry a user name of kilobytes: keys stay short.
const keysOf = (address: string, account: string) => {
  const name = account.slice(0, 100);
  const client = clientKeyOf(address);
  return { pair: `${client}|${name}`, account: name, client };
};

function isKnown(pair: string, now: number): boolean {
  const at = state().known.get(pair);
  return at !== undefined && now - at < KNOWN_FOR_MS;
}

/** A password check let through by startLoginTry: a failure until said otherwise. */
export interface LoginTry {
  /** The password was right: the try is not a failure, and this client is known to the account from now on. */
  succeeded(now?: number): void;
}

/**
 * Before checking a password: throws RATE_LIMITED when this client must still wait before
 * trying this account again; otherwise counts the try as a failure at once (see the module
 * comment) and returns it, for `succeeded()` when the password was right. `failures` names
 * them in the refusal ("failed logins", "wrong passwords").
 */
export function startLoginTry(address: string, account: string, now = Date.now(), failures = "failed logins"): LoginTry {
  const { perClient, perAddress, perAccount, known } = state();
  const keys = keysOf(address, account);
  const knownPair = isKnown(keys.pair, now);
  const forAccount = knownPair ? 0 : perAccount.waitMs(keys.account, now);
  const fromHere = Math.max(perClient.waitMs(keys.pair, now), knownPair ? 0 : perAddress.waitMs(keys.client, now));
  const wait = Math.max(fromHere, forAccount);
  if (wait > 0) {
    const seconds = Math.ceil(wait / 1000);
    const why = forAccount === wait ? "for this account" : "from here";
    throw new AppError("RATE_LIMITED", `Too many ${failures} ${why}; wait ${seconds} second${seconds > 1 ? "s" : ""} and try again.`, {
      retryAfterSeconds: String(seconds),
    });
  }
  perClient.fail(keys.pair, now);
  perAddress.fail(keys.client, now);
  perAccount.fail(keys.account, now);
  return {
    succeeded(at = Date.now()) {
      // The client's count for this account starts again; the others lose this try only (others may be hammering).
      perClient.forget(keys.pair);
      perAddress.unfail(keys.client, at);
      perAccount.unfail(keys.account, at);
      known.delete(keys.pair);
      known.set(keys.pair, at);
      if (known.size > MAX_KEYS) known.delete(known.keys().next().value!);
    },
  };
}
