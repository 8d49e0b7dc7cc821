import fs from "node:fs";
import { describe, expect, it, vi } from "vitest";
import { migrationWarmUp, ownProcsFile, readPids } from "./cgroup-files";
import { cgroupV1Available } from "./cgroup-v1";

// The real cgroupfs: the warm-up moves this process into the cgroup it is already in.
describe.skipIf(!(process.getuid?.() === 0 && cgroupV1Available("/sys/fs/cgroup")))("the cgroup migration warm-up (v1)", () => {
  it("finds this process's own memory cgroup and leaves it there", async () => {
    const own = ownProcsFile("/sys/fs/cgroup/memory", "memory");
    expect(readPids(own)).toContain(process.pid);
    const before = fs.readFileSync("/proc/self/cgroup", "utf8");
    const warm = migrationWarmUp(own);
    warm.request();
    warm.request(); // one at a time: the second call is dropped while the first runs
    await new Promise((r) => setTimeout(r, 200));
    expect(fs.readFileSync("/proc/self/cgroup", "utf8")).toBe(before);
    expect(readPids(own)).toContain(process.pid);
  });

  it("keeps moving for a while through one descriptor, then lets it go", async () => {
    const own = ownProcsFile("/sys/fs/cgroup/memory", "memory");
    const openOnIt = () => fs.readdirSync("/proc/self/fd").filter((fd) => {
      try {
        return fs.readlinkSync(`/proc/self/fd/${fd}`) === own;
      } catch {
        return false;
      }
    }).length;
    await new Promise((r) => setTimeout(r, 1_100)); // the first test's warm-up lets go
    expect(openOnIt()).toBe(0);
    const warm = migrationWarmUp(own, 150, 5);
    warm.request();
    await new Promise((r) => setTimeout(r, 60));
    expect(openOnIt()).toBe(1);
    warm.request(); // a new start near: the same descriptor, for longer
    await new Promise((r) => setTimeout(r, 100));
    expect(openOnIt()).toBe(1);
    await new Promise((r) => setTimeout(r, 200));
    expect(openOnIt()).toBe(0);
    expect(readPids(own)).toContain(process.pid);
  });

  it("while runs start less than a period apart, their own joins keep the lock ready: this process is not moved", async () => {
    const own = ownProcsFile("/sys/fs/cgroup/memory", "memory");
    await new Promise((r) => setTimeout(r, 1_100)); // earlier warm-ups let go
    const writes = vi.spyOn(fs, "write");
    const moves = () => writes.mock.calls.length;
    const warm = migrationWarmUp(own, 100, 20);
    const before = moves();
    for (let i = 0; i < 10; i++) {
      warm.starting(); // a run joins its cgroups
      warm.request(); // its end: the next start is near
      await new Promise((r) => setTimeout(r, 2));
    }
    const during = moves() - before;
    await new Promise((r) => setTimeout(r, 60)); // no start for longer than a period: moves again
    const after = moves() - before - during;
    writes.mockRestore();
    expect(during).toBe(0);
    expect(after).toBeGreaterThan(0);
  });

  it("a warm-up that cannot write does nothing and throws nothing", async () => {
    migrationWarmUp("/sys/fs/cgroup/memory/no-such-cgroup/cgroup.procs").request();
    await new Promise((r) => setTimeout(r, 50));
    expect(fs.existsSync("/sys/fs/cgroup/memory/no-such-cgroup")).toBe(false);
  });
});
