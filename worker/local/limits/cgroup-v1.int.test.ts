import { spawnSync } from "node:child_process";
import crypto from "node:crypto";
import fs from "node:fs";
import path from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { removeCgroup, removeLeftCgroups } from "./cgroup-files";
import { cgroupV1Available, createCgroupV1 } from "./cgroup-v1";
import type { Limits } from "./confinement";

const ROOT = "/sys/fs/cgroup";

// The real cgroupfs: an instance of this test's own under each v1 hierarchy.
describe.skipIf(!(process.getuid?.() === 0 && cgroupV1Available(ROOT)))("control groups v1: what a stopping worker leaves", () => {
  let instance: string;
  let limits: Limits | undefined;
  const instanceDir = (c: string) => path.join(ROOT, c, "qm", instance);
  afterEach(() => {
    limits?.release();
    limits = undefined;
    // Whatever a failed check left: the runs' folders, then the instance's.
    for (const c of ["memory", "cpuset", "cpuacct", "devices"]) {
      removeLeftCgroups(instanceDir(c), new Set());
      removeCgroup(instanceDir(c));
    }
  });

  /** A run's wrapper joining its cgroups, as the spawner's does: "joined" when every write took. */
  const join = (procsFiles: string[]) =>
    spawnSync("sh", ["-c", `${procsFiles.map((f) => `echo $$ > ${f}`).join(" && ")} && echo joined`], { encoding: "utf8" }).stdout.trim();

  it("keeps the shared cpusets while runs go on, for a run whose wrapper has not joined its own yet", () => {
    instance = `qm-release-test-${crypto.randomBytes(4).toString("hex")}`;
    limits = createCgroupV1(ROOT, instance);
    const run = limits.confine("late", { cpus: [0], memMb: null });
    const cpuset = run.procsFiles.find((f) => f.startsWith(path.join(ROOT, "cpuset")));
    expect(cpuset).toBeDefined();
    // The worker stops (Shutdown_Jobs = keep) before the run's wrapper is in its cpuset.
    expect(limits.release(true)).toBe(false);
    expect(fs.existsSync(cpuset!)).toBe(true);
    // The wrapper gets there afterwards, and the run goes on in all its cgroups.
    expect(join(run.procsFiles)).toBe("joined");

    // The next worker, once that run is over: nothing of the instance is left.
    limits = createCgroupV1(ROOT, instance);
    limits.find("late")!.remove();
    expect(limits.release()).toBe(true);
    expect(["memory", "cpuset", "cpuacct"].filter((c) => fs.existsSync(instanceDir(c)))).toEqual([]);
    limits = undefined;
  });

  it("removes a shared cpuset no run is in when no run goes on", () => {
    instance = `qm-release-test-${crypto.randomBytes(4).toString("hex")}`;
    limits = createCgroupV1(ROOT, instance);
    const run = limits.confine("over", { cpus: [0], memMb: null });
    run.remove();
    expect(limits.release()).toBe(true);
    expect(fs.existsSync(instanceDir("cpuset"))).toBe(false);
    limits = undefined;
  });
});
