import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { createQuietGc } from "./quiet-gc";

const original = globalThis.gc;
const gc = vi.fn();
beforeEach(() => {
  vi.useFakeTimers();
  gc.mockClear();
  globalThis.gc = gc;
});
afterEach(() => {
  globalThis.gc = original;
  vi.useRealTimers();
});

describe("createQuietGc", () => {
  it("collects once, when the program has been quiet for the delay after its last activity", () => {
    const quiet = createQuietGc(2_000);
    quiet.touch();
    vi.advanceTimersByTime(1_500);
    quiet.touch(); // still busy: the delay starts again
    vi.advanceTimersByTime(1_500);
    expect(gc).not.toHaveBeenCalled();
    vi.advanceTimersByTime(600);
    expect(gc).toHaveBeenCalledTimes(1);
    vi.advanceTimersByTime(60_000); // idle: nothing more
    expect(gc).toHaveBeenCalledTimes(1);
  });

  it("does nothing after stop, nor where node gives no collector", () => {
    const stopped = createQuietGc(100);
    stopped.touch();
    stopped.stop();
    vi.advanceTimersByTime(1_000);
    expect(gc).not.toHaveBeenCalled();
    globalThis.gc = undefined;
    const without = createQuietGc(100);
    without.touch();
    expect(vi.getTimerCount()).toBe(0);
  });
});
