import { spawnSync } from "node:child_process";
import crypto from "node:crypto";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { startSpawner } from "../spawner-client";
import { readNumber, readPids, removeCgroup, removeLeftCgroups } from "./cgroup-files";
import { cgroupV1Available, createCgroupV1 } from "./cgroup-v1";
import type { Limits } from "./confinement";

const ROOT = "/sys/fs/cgroup";
/** The pids hierarchy is optional; these machines have it. */
const hasPids = fs.existsSync(path.join(ROOT, "pids", "cgroup.procs"));

// The real cgroupfs: an instance of this test's own under each v1 hierarchy.
describe.skipIf(!(process.getuid?.() === 0 && cgroupV1Available(ROOT)))("control groups v1: what a stopping worker leaves", () => {
  let instance: string;
  let limits: Limits | undefined;
  const instanceDir = (c: string) => path.join(ROOT, c, "qm", instance);
  afterEach(() => {
    limits?.release();
    limits = undefined;
    // Whatever a failed check left: the runs' folders, then the instance's.
    for (const c of ["memory", "cpuset", "cpuacct", "devices", "pids"]) {
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
    if (hasPids) expect(run.procsFiles).toContain(path.join(instanceDir("pids"), "cgroup.procs"));
    // The wrapper gets there afterwards, and the run goes on in all its cgroups.
    expect(join(run.procsFiles)).toBe("joined");

    // The next worker, once that run is over: nothing of the instance is left.
    limits = createCgroupV1(ROOT, instance);
    limits.find("late")!.remove();
    expect(limits.release()).toBe(true);
    expect(["memory", "cpuset", "cpuacct", "pids"].filter((c) => fs.existsSync(instanceDir(c)))).toEqual([]);
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

  // A run started by the real spawner, whose wrapper joins the run's cgroups: the shared pids
  // folder holds all the instance's jobs together, whatever their uid (root's here, which
  // RLIMIT_NPROC would not stop).
  it.skipIf(!hasPids)("refuses a job's fork past the instance's cap on processes, and leaves the worker its own", async () => {
    instance = `qm-pids-test-${crypto.randomBytes(4).toString("hex")}`;
    limits = createCgroupV1(ROOT, instance, 12);
    expect(limits.description).toMatch(/\(memory, cpuset, cpuacct, pids(, devices)?\):.*, at most 12 processes for all jobs together$/);
    expect(fs.readFileSync(path.join(instanceDir("pids"), "pids.max"), "utf8").trim()).toBe("12");
    const run = limits.confine("bomb", { cpus: [], memMb: null });
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), "qm-pids-"));
    const spawner = startSpawner(process.env, () => undefined);
    try {
      const log = path.join(dir, "process.log");
      const { pid, ended } = await spawner.spawn({
        dir,
        log,
        header: "",
        exitRecord: path.join(dir, "exit"),
        cgroups: run.procsFiles,
        runAs: null,
        command: ["/bin/sh", "-c", "for i in $(seq 30); do sleep 60 & done; echo all started; wait"],
        env: {},
      });
      expect(pid).toBeGreaterThan(0);
      // The shell stops at its first refused fork; the sleeps it had started go on.
      expect(await ended).toEqual({ exitCode: 2, signal: null });
      expect(fs.readFileSync(log, "utf8")).toMatch(/Cannot fork/);
      expect(fs.readFileSync(log, "utf8")).not.toMatch(/all started/);
      // The wrapper and the shell gone, their 12th place is free: 10 sleeps stay (the cap less those two).
      const left = run.members();
      expect(left).toHaveLength(10);
      expect(readPids(path.join(instanceDir("pids"), "cgroup.procs")).sort()).toEqual([...left].sort());
      expect(readNumber(path.join(instanceDir("pids"), "pids.current"))).toBe(10);
      // Outside the jobs' folder, the worker forks as before.
      expect(spawnSync("true").status).toBe(0);
      for (const p of left) process.kill(p, "SIGKILL");
      const end = Date.now() + 5_000;
      while ((readNumber(path.join(instanceDir("pids"), "pids.current")) ?? 0) > 0 && Date.now() < end) await new Promise((r) => setTimeout(r, 50));
      expect(readNumber(path.join(instanceDir("pids"), "pids.current"))).toBe(0);
    } finally {
      spawner.close();
      fs.rmSync(dir, { recursive: true, force: true });
    }
    run.remove();
    expect(limits.release()).toBe(true);
    expect(fs.existsSync(instanceDir("pids"))).toBe(false);
    limits = undefined;
  });
});
