import { describe, expect, it } from "vitest";
import { createRateLimiter } from "./rate-limit";

describe("createRateLimiter", () => {
  it("allows `limit` failures, then refuses with RATE_LIMITED until the window has passed", () => {
    const limiter = createRateLimiter(3, 60_000, "login attempts");
    const t0 = 1_000_000;
    for (let i = 0; i < 3; i++) {
      limiter.check("ip|admin", t0 + i);
      limiter.fail("ip|admin", t0 + i);
    }
    expect(() => limiter.check("ip|admin", t0 + 10)).toThrow(/Too many failed login attempts; wait 1 minute/);
    expect(() => limiter.check("other|admin", t0 + 10)).not.toThrow();
    expect(() => limiter.check("ip|admin", t0 + 59_999)).toThrow();
    // A sliding window: once the oldest failure is 60 s old, one more try is allowed.
    expect(() => limiter.check("ip|admin", t0 + 60_000)).not.toThrow();
    limiter.fail("ip|admin", t0 + 60_000);
    expect(() => limiter.check("ip|admin", t0 + 60_000)).toThrow();
  });

  it("reset forgets a key after a successful login", () => {
    const limiter = createRateLimiter(1, 60_000, "x");
    limiter.fail("k", 0);
    expect(() => limiter.check("k", 1)).toThrow();
    limiter.reset("k");
    expect(() => limiter.check("k", 1)).not.toThrow();
  });
});
