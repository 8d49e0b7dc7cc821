import { afterEach, describe, expect, it } from "vitest";
import { PING_FRAME, createLiveFeed } from "./live-feed";

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** A feed over a fake queue: counts its reads, lets the test move the version and the status. */
function fakeQueue(opts: { pingMs?: number; statusEveryMs?: number } = {}) {
  const state = { version: "1", load: 0.5, versionReads: 0, statusReads: 0 };
  const feed = createLiveFeed({
    readVersion: async () => (state.versionReads++, state.version),
    readStatus: async () => (state.statusReads++, { load: state.load, serverTime: new Date().toISOString() }),
    statusEveryMs: () => opts.statusEveryMs ?? 60_000,
    pollMs: 10,
    pingMs: opts.pingMs,
  });
  return { feed, state };
}

const unsubscribers: (() => void)[] = [];
afterEach(() => unsubscribers.splice(0).forEach((u) => u()));

function listen(feed: ReturnType<typeof fakeQueue>["feed"]) {
  const frames: string[] = [];
  unsubscribers.push(feed.subscribe((f) => frames.push(f)));
  return frames;
}
const changes = (frames: string[]) => frames.filter((f) => f.startsWith("event: change")).map((f) => JSON.parse(f.split("data: ")[1]));

describe("the live feed", () => {
  it("reads the queue once per poll for all its listeners, and not at all without any", async () => {
    const one = fakeQueue();
    listen(one.feed);
    const many = fakeQueue();
    for (let i = 0; i < 50; i++) listen(many.feed);
    await sleep(200);
    expect(many.state.versionReads).toBeGreaterThan(3);
    expect(many.state.versionReads).toBeLessThanOrEqual(one.state.versionReads + 2);
    expect(many.feed.listeners).toBe(50);
    unsubscribers.splice(0).forEach((u) => u());
    await sleep(30);
    const reads = many.state.versionReads;
    await sleep(100);
    expect(many.state.versionReads).toBe(reads);
  });

  it("sends a change when the jobs version moves, to every listener, and the latest to a newcomer", async () => {
    const { feed, state } = fakeQueue();
    const first = listen(feed);
    await sleep(50);
    expect(changes(first)).toEqual([{ jobsVersion: "1", status: expect.objectContaining({ load: 0.5 }) }]);
    state.version = "2";
    await sleep(50);
    expect(changes(first).map((c) => c.jobsVersion)).toEqual(["1", "2"]);
    const late = listen(feed);
    expect(changes(late).map((c) => c.jobsVersion)).toEqual(["2"]);
    await sleep(250);
    expect(state.statusReads).toBe(2); // the status again after the change, not every poll
  });

  it("reads the status at most every 200 ms while jobs change in a burst, each version sent at once", async () => {
    const { feed, state } = fakeQueue();
    const frames = listen(feed);
    await sleep(30);
    const reads = state.statusReads;
    const start = Date.now();
    for (let i = 2; i <= 40; i++) {
      state.version = String(i);
      await sleep(12);
    }
    await sleep(250);
    // One read a 200 ms window at most (about 3 for the ~700 ms above; a busy machine stretches the sleeps).
    expect(state.statusReads - reads).toBeLessThanOrEqual(Math.ceil((Date.now() - start) / 200) + 1);
    expect(changes(frames).length).toBeGreaterThan(15);
    expect(changes(frames).at(-1).jobsVersion).toBe("40");
  });

  it("sends the status again every Refresh_Rate only when it changed (its clock aside), and pings when quiet", async () => {
    const { feed, state } = fakeQueue({ statusEveryMs: 20, pingMs: 100 });
    const frames = listen(feed);
    await sleep(80);
    expect(changes(frames)).toHaveLength(1);
    state.load = 0.7;
    await sleep(60);
    expect(changes(frames).map((c) => c.status.load)).toEqual([0.5, 0.7]);
    await sleep(150);
    expect(frames).toContain(PING_FRAME);
  });
});
