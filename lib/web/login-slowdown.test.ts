/**
 * The slow-down's memory under a flood, through startLoginTry as the login form and Basic
 * call it (without the password checks, which login-slowdown.int.test.ts makes for real:
 * 10,000 of them would take minutes). Its tables hold 10,000 keys each.
 */
import { describe, expect, it } from "vitest";
import { startLoginTry } from "./login-slowdown";

const refusal = (address: string, account: string, now: number) => {
  try {
    startLoginTry(address, account, now);
    return null;
  } catch (error) {
    return (error as { code?: string }).code ?? String(error);
  }
};

describe("the login slow-down under a flood", () => {
  it("naming 10,000 new accounts from 10,000 addresses does not wipe the count of a hammered account", () => {
    const t = 1_000_000;
    // An attacker at 203.0.113.5 tries alice's password until made to wait (5 free tries).
    for (let i = 0; i < 5; i++) expect(refusal("203.0.113.5", "alice", t)).toBeNull();
    expect(refusal("203.0.113.5", "alice", t + 100)).toBe("RATE_LIMITED");
    // ...then fails once for each of 10,000 new names from as many addresses, to flush it.
    for (let i = 0; i <= 10_000; i++) expect(refusal(`10.${(i >> 16) & 255}.${(i >> 8) & 255}.${i & 255}`, `user${i}`, t + 200)).toBeNull();
    expect(refusal("203.0.113.5", "alice", t + 300)).toBe("RATE_LIMITED");
  });
});
