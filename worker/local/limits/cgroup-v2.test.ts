/**
 * The control group v2 code against a temporary tree laid out like cgroupfs (these
 * machines have v1 only): the files it writes to confine a run and how it reads them back.
 */
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { DEFAULT_MAX_PROCESSES } from "../spawner-client";
import { cgroupV2Available, createCgroupV2 } from "./cgroup-v2";

let root: string;
afterEach(() => fs.rmSync(root, { recursive: true, force: true }));

function fakeCgroupfs(controllers = "cpuset cpu io memory pids"): string {
  root = fs.mkdtempSync(path.join(os.tmpdir(), "qm-cgroup2-"));
  fs.writeFileSync(path.join(root, "cgroup.controllers"), `${controllers}\n`);
  fs.writeFileSync(path.join(root, "cgroup.subtree_control"), "");
  return root;
}

const read = (...parts: string[]) => fs.readFileSync(path.join(root, ...parts), "utf8");

describe("control groups v2", () => {
  it("is available only with cpuset, memory and cpu", () => {
    expect(cgroupV2Available(fakeCgroupfs())).toBe(true);
    fs.rmSync(root, { recursive: true });
    expect(cgroupV2Available(fakeCgroupfs("io pids memory"))).toBe(false);
  });

  it("delegates the controllers, pins the CPUs, caps memory without swap, and lists the procs file to join", () => {
    const limits = createCgroupV2(fakeCgroupfs(), "inst");
    expect(read("cgroup.subtree_control")).toBe("+cpuset +memory +cpu +pids");
    expect(read("qm", "cgroup.subtree_control")).toBe("+cpuset +memory +cpu +pids");
    expect(read("qm/inst", "cgroup.subtree_control")).toBe("+cpuset +memory +cpu +pids");
    const run = limits.confine("abc123", { cpus: [2, 3, 5], memMb: 512 });
    expect(read("qm/inst/abc123/cpuset.cpus")).toBe("2-3,5");
    expect(read("qm/inst/abc123/memory.max")).toBe(String(512 * 1024 * 1024));
    expect(read("qm/inst/abc123/memory.swap.max")).toBe("0");
    expect(run.procsFiles).toEqual([path.join(root, "qm/inst/abc123/cgroup.procs")]);
    expect(limits.confine("nolimit", { cpus: [], memMb: null }).procsFiles).toHaveLength(1);
    // A new cgroup's memory.max is "max" already (the kernel's default): nothing written.
    expect(fs.existsSync(path.join(root, "qm/inst/nolimit/memory.max"))).toBe(false);
    expect(fs.existsSync(path.join(root, "qm/inst/nolimit/cpuset.cpus"))).toBe(false);
  });

  it("caps the processes of each run and of all runs together where the pids controller is there", () => {
    const limits = createCgroupV2(fakeCgroupfs(), "inst", 12);
    expect(read("qm/inst/pids.max")).toBe("12");
    limits.confine("run1", { cpus: [], memMb: null });
    // Whatever its uid: a Run_As account's run too, which RLIMIT_NPROC leaves alone.
    expect(read("qm/inst/run1/pids.max")).toBe(String(DEFAULT_MAX_PROCESSES));
    expect(limits.description).toBe(
      `control groups v2 (cpuset, memory, cpu, pids): pinned CPUs, memory limit without swap, exact CPU and memory, at most ${DEFAULT_MAX_PROCESSES} processes a job and 12 for all jobs together`,
    );
  });

  it("goes without the pids controller where it is not there, and turns it on where only it is missing", () => {
    const limits = createCgroupV2(fakeCgroupfs("cpuset cpu io memory"), "inst", 12);
    expect(read("qm/inst", "cgroup.subtree_control")).toBe("+cpuset +memory +cpu");
    limits.confine("run1", { cpus: [], memMb: null });
    expect(fs.existsSync(path.join(root, "qm/inst/pids.max"))).toBe(false);
    expect(fs.existsSync(path.join(root, "qm/inst/run1/pids.max"))).toBe(false);
    expect(limits.description).toBe("control groups v2 (cpuset, memory, cpu): pinned CPUs, memory limit without swap, exact CPU and memory");
    // A tree an earlier worker delegated before pids was there (the kernel lists enabled
    // controllers without "+"): only pids is turned on.
    fs.writeFileSync(path.join(root, "cgroup.controllers"), "cpuset cpu io memory pids\n");
    for (const dir of ["", "qm", "qm/inst"]) fs.writeFileSync(path.join(root, dir, "cgroup.subtree_control"), "cpuset cpu memory\n");
    createCgroupV2(root, "inst", 12);
    expect(read("qm/inst", "cgroup.subtree_control")).toBe("+pids");
    expect(read("qm/inst/pids.max")).toBe("12");
  });

  it("reads back members, CPU, memory, peak and memory kills as the kernel writes them", () => {
    const limits = createCgroupV2(fakeCgroupfs(), "inst");
    const run = limits.confine("r1", { cpus: [0], memMb: 100 });
    const dir = path.join(root, "qm/inst/r1");
    expect(run.usage()).toBeNull();
    fs.writeFileSync(path.join(dir, "cgroup.procs"), "123\n456\n");
    fs.writeFileSync(path.join(dir, "cpu.stat"), "usage_usec 2500000\nuser_usec 2000000\nsystem_usec 500000\n");
    fs.writeFileSync(path.join(dir, "memory.current"), String(50 * 1024 * 1024));
    fs.writeFileSync(path.join(dir, "memory.peak"), String(99 * 1024 * 1024));
    fs.writeFileSync(path.join(dir, "memory.events"), "low 0\nhigh 0\nmax 12\noom 1\noom_kill 1\n");
    expect(run.members()).toEqual([123, 456]);
    expect(run.usage()).toEqual({ cpuSeconds: 2.5, memoryKb: 50 * 1024, peakKb: 99 * 1024 });
    expect(run.oomKills()).toBe(1);
    expect(limits.find("r1")?.members()).toEqual([123, 456]);
    expect(limits.find("other")).toBeNull();
  });

  it("kills and removes a run's cgroup, and sweeps the empty ones of runs that are over", () => {
    const limits = createCgroupV2(fakeCgroupfs(), "inst");
    const run = limits.confine("done1", { cpus: [], memMb: null });
    limits.confine("live", { cpus: [], memMb: null });
    fs.writeFileSync(path.join(root, "qm/inst/live/cgroup.procs"), "77\n");
    // A real cgroupfs removes its interface files with the folder; a fake one must be emptied first.
    const empty = (name: string) => {
      for (const f of fs.readdirSync(path.join(root, "qm", "inst", name))) if (f !== "cgroup.kill") fs.rmSync(path.join(root, "qm", "inst", name, f));
    };
    fs.writeFileSync(path.join(root, "qm/inst/done1/cgroup.kill"), "");
    empty("done1");
    run.remove();
    // cgroup.kill got 1 (all its processes killed at once); a real rmdir would then succeed.
    expect(read("qm/inst/done1/cgroup.kill")).toBe("1");
    // One seen empty at the run's end (its final counts given) has nothing to kill: only removed.
    const ended = limits.confine("ended", { cpus: [], memMb: null });
    fs.writeFileSync(path.join(root, "qm/inst/ended/cgroup.kill"), "");
    empty("ended");
    ended.remove({ usage: null, oomKills: 0 });
    expect(read("qm/inst/ended/cgroup.kill")).toBe("");
    limits.confine("stale", { cpus: [], memMb: null });
    empty("stale");
    limits.sweep(new Set(["live"]));
    expect(fs.existsSync(path.join(root, "qm/inst/stale"))).toBe(false);
    expect(fs.existsSync(path.join(root, "qm/inst/live"))).toBe(true);
  });
});
