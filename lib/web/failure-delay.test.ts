import { describe, expect, it } from "vitest";
import { createFailureDelay } from "./failure-delay";

const policy = { freeFailures: 3, firstDelayMs: 1000, maxDelayMs: 8000, forgetAfterMs: 60_000, maxKeys: 100 };

describe("createFailureDelay", () => {
  it("lets the first failures pass, then doubles the wait up to the maximum, never locking longer", () => {
    const delay = createFailureDelay(policy);
    const t0 = 1_000_000;
    const waits: number[] = [];
    for (let i = 0; i < 7; i++) {
      delay.fail("k", t0);
      waits.push(delay.waitMs("k", t0));
    }
    expect(waits).toEqual([0, 0, 1000, 2000, 4000, 8000, 8000]);
    expect(delay.waitMs("k", t0 + 7999)).toBe(1);
    expect(delay.waitMs("k", t0 + 8000)).toBe(0);
    expect(delay.waitMs("other", t0)).toBe(0);
  });

  it("forgets a key a while after its last failure, or when told", () => {
    const delay = createFailureDelay(policy);
    for (let i = 0; i < 5; i++) delay.fail("k", 0);
    expect(delay.failures("k", 60_000)).toBe(5);
    expect(delay.failures("k", 60_001)).toBe(0);
    for (let i = 0; i < 5; i++) delay.fail("k", 0);
    delay.forget("k");
    expect(delay.waitMs("k", 1)).toBe(0);
  });

  it("remembers at most maxKeys keys, dropping the fewest failures first (longest ago among equals)", () => {
    const delay = createFailureDelay({ ...policy, maxKeys: 2 });
    delay.fail("a", 1);
    delay.fail("b", 2);
    delay.fail("a", 3);
    delay.fail("c", 4);
    expect([delay.failures("a", 5), delay.failures("b", 5), delay.failures("c", 5)]).toEqual([2, 0, 1]);
  });

  it("past maxKeys drops forgotten keys first, then the least penalised: a flood of new keys never wipes a slowed-down one", () => {
    const delay = createFailureDelay({ ...policy, maxKeys: 100 });
    for (let i = 0; i < 5; i++) delay.fail("hammered", 0);
    expect(delay.waitMs("hammered", 0)).toBe(4000);
    delay.fail("stale", -60_001); // forgotten by now: goes first
    for (let i = 0; i < 1000; i++) delay.fail(`spray-${i}`, 1);
    expect(delay.failures("hammered", 2)).toBe(5);
    expect(delay.waitMs("hammered", 2)).toBe(3998);
    expect(delay.failures("spray-999", 2)).toBe(1); // the key just failed is kept
  });

  it("takes back one failure when told (a try counted before its outcome, that succeeded)", () => {
    const delay = createFailureDelay(policy);
    for (let i = 0; i < 4; i++) delay.fail("k", 0);
    expect(delay.waitMs("k", 0)).toBe(2000);
    delay.unfail("k", 0);
    expect(delay.failures("k", 0)).toBe(3);
    expect(delay.waitMs("k", 0)).toBe(1000);
    for (let i = 0; i < 3; i++) delay.unfail("k", 0);
    expect(delay.failures("k", 0)).toBe(0);
    delay.unfail("never", 0);
    expect(delay.failures("never", 0)).toBe(0);
  });
});

