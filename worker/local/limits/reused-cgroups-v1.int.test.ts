import { spawn, spawnSync } from "node:child_process";
import crypto from "node:crypto";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { accountsSwap, readKeyed, readNumber, readPids, removeCgroup } from "./cgroup-files";
import { cgroupV1Available } from "./cgroup-v1";
import { REUSE_MAX_BYTES, reusedCgroupsV1 } from "./reused-cgroups-v1";

const ROOT = "/sys/fs/cgroup";

// The real cgroupfs, in folders of this test's own under the memory and cpuacct hierarchies.
describe.skipIf(!(process.getuid?.() === 0 && cgroupV1Available(ROOT)))("run cgroups handed on from run to run (v1)", () => {
  let memory: string;
  let cpuacct: string;
  let tmp: string;
  beforeEach(() => {
    const name = `qm-reuse-test-${crypto.randomBytes(4).toString("hex")}`;
    memory = path.join(ROOT, "memory", name);
    cpuacct = path.join(ROOT, "cpuacct", name);
    for (const dir of [memory, cpuacct]) fs.mkdirSync(dir);
    tmp = fs.mkdtempSync(path.join(os.tmpdir(), "qm-reuse-"));
  });
  afterEach(() => {
    for (const base of [memory, cpuacct]) {
      for (const d of fs.readdirSync(base, { withFileTypes: true })) if (d.isDirectory()) removeCgroup(path.join(base, d.name));
      removeCgroup(base);
    }
    fs.rmSync(tmp, { recursive: true, force: true });
  });

  const children = (base: string) => fs.readdirSync(base, { withFileTypes: true }).filter((d) => d.isDirectory()).map((d) => d.name);
  /** Run `script` with sh inside the run `token`'s pair, as a run's wrapper joins it; resolves at its end. */
  const runIn = (token: string, script: string) => {
    const procs = [memory, cpuacct].map((b) => path.join(b, token, "cgroup.procs"));
    const r = spawnSync("sh", ["-c", `echo $$ > ${procs[0]} && echo $$ > ${procs[1]} && ${script}`], { cwd: tmp, encoding: "utf8" });
    return r.status;
  };

  it("gives a clean pair to the next run under its token, counters at zero and no limit", () => {
    const runs = reusedCgroupsV1(memory, cpuacct, accountsSwap(memory));
    runs.make("run-a", true);
    fs.writeFileSync(path.join(memory, "run-a", "memory.limit_in_bytes"), String(64 * 1024 * 1024));
    expect(runIn("run-a", "i=0; while [ $i -lt 100000 ]; do i=$((i+1)); done")).toBe(0);
    expect(readNumber(path.join(cpuacct, "run-a", "cpuacct.usage"))).toBeGreaterThan(20e6); // 20 ms of CPU at least
    const used = readNumber(path.join(cpuacct, "run-a", "cpuacct.usage"));
    expect(runs.retire("run-a")).toBe(true);
    expect(runs.kept()).toEqual(new Set(["run-a"]));
    // Until another run takes it, it keeps its run's name and figures (a restarted worker reads them).
    expect(readNumber(path.join(cpuacct, "run-a", "cpuacct.usage"))).toBe(used);
    expect(readNumber(path.join(memory, "run-a", "memory.limit_in_bytes"))).toBe(64 * 1024 * 1024);

    runs.make("run-b", false);
    expect(children(memory)).toEqual(["run-b"]);
    expect(children(cpuacct)).toEqual(["run-b"]);
    expect(runs.kept().size).toBe(0);
    expect(readNumber(path.join(cpuacct, "run-b", "cpuacct.usage"))).toBe(0);
    expect(readNumber(path.join(memory, "run-b", "memory.limit_in_bytes"))).toBeGreaterThan(2 ** 62); // none
    expect(readNumber(path.join(memory, "run-b", "memory.max_usage_in_bytes"))).toBeLessThanOrEqual(REUSE_MAX_BYTES);
    // The next run counts only its own CPU.
    expect(runIn("run-b", "true")).toBe(0);
    expect(readNumber(path.join(cpuacct, "run-b", "cpuacct.usage"))).toBeLessThan(20e6);
  });

  it("removes a pair its run left a process in (kept for a later sweep), or that saw a memory kill", async () => {
    const runs = reusedCgroupsV1(memory, cpuacct, accountsSwap(memory));
    runs.make("left", false);
    const procs = [memory, cpuacct].map((b) => path.join(b, "left", "cgroup.procs"));
    const sleeper = spawn("sh", ["-c", `echo $$ > ${procs[0]} && echo $$ > ${procs[1]} && exec sleep 30`], { stdio: "ignore" });
    await expect.poll(() => readPids(procs[0]).length).toBe(1);
    expect(runs.retire("left")).toBe(false);
    expect(runs.kept().size).toBe(0);
    expect(children(memory)).toEqual(["left"]); // still there, its process in it
    sleeper.kill("SIGKILL");
    await new Promise((r) => sleeper.on("exit", r));

    runs.make("oom", true);
    const limit = String(16 * 1024 * 1024);
    fs.writeFileSync(path.join(memory, "oom", "memory.limit_in_bytes"), limit);
    if (accountsSwap(memory)) fs.writeFileSync(path.join(memory, "oom", "memory.memsw.limit_in_bytes"), limit);
    runIn("oom", "head -c 64M /dev/zero | tail > /dev/null"); // tail keeps a line with no end in memory
    expect(readKeyed(path.join(memory, "oom", "memory.oom_control"), "oom_kill")).toBeGreaterThan(0);
    expect(runs.retire("oom")).toBe(true);
    expect(runs.kept().size).toBe(0);
    expect(children(memory)).toEqual(["left"]);
  });

  it("removes a pair that still has more than REUSE_MAX_BYTES charged (its run's page cache)", () => {
    const runs = reusedCgroupsV1(memory, cpuacct, accountsSwap(memory));
    runs.make("cache", false);
    expect(runIn("cache", "head -c 8M /dev/urandom > big")).toBe(0);
    expect(readNumber(path.join(memory, "cache", "memory.usage_in_bytes"))).toBeGreaterThan(REUSE_MAX_BYTES);
    expect(runs.retire("cache")).toBe(true);
    expect(runs.kept().size).toBe(0);
    expect(children(memory)).toEqual([]);
    expect(children(cpuacct)).toEqual([]);
  });

  it("keeps two at most, makes one when a kept pair has gone, and removes the kept ones at release", () => {
    const runs = reusedCgroupsV1(memory, cpuacct, accountsSwap(memory));
    for (const t of ["r1", "r2", "r3"]) runs.make(t, false);
    for (const t of ["r1", "r2", "r3"]) expect(runs.retire(t)).toBe(true);
    expect(runs.kept()).toEqual(new Set(["r1", "r2"]));
    expect(children(memory).sort()).toEqual(["r1", "r2"]);
    for (const b of [memory, cpuacct]) removeCgroup(path.join(b, "r2")); // removed behind its back
    runs.make("r4", false);
    expect(children(memory).sort()).toEqual(["r1", "r4"]);
    expect(children(cpuacct).sort()).toEqual(["r1", "r4"]);
    runs.release();
    expect(children(memory)).toEqual(["r4"]);
    expect(children(cpuacct)).toEqual(["r4"]);
  });

  it("lifts a limit its pair's last run had, whichever run comes between", () => {
    const runs = reusedCgroupsV1(memory, cpuacct, accountsSwap(memory));
    const limitOf = (t: string) => readNumber(path.join(memory, t, "memory.limit_in_bytes"));
    runs.make("free", false);
    expect(runs.retire("free")).toBe(true);
    runs.make("capped", true); // the pair "free" left, now limited
    fs.writeFileSync(path.join(memory, "capped", "memory.limit_in_bytes"), String(32 * 1024 * 1024));
    expect(runIn("capped", "true")).toBe(0);
    expect(runs.retire("capped")).toBe(true);
    runs.make("after", false);
    expect(children(memory)).toEqual(["after"]);
    expect(limitOf("after")).toBeGreaterThan(2 ** 62); // none
    expect(runs.retire("after")).toBe(true);
    runs.make("again", false);
    expect(limitOf("again")).toBeGreaterThan(2 ** 62);
  });

  it("judges a pair by its run's final counts when given them, and never keeps one with a process in it", async () => {
    const runs = reusedCgroupsV1(memory, cpuacct, accountsSwap(memory));
    const quiet = { cpuSeconds: 0, memoryKb: 0, peakKb: 0 };
    runs.make("killed", false);
    expect(runs.retire("killed", { usage: quiet, oomKills: 1 })).toBe(true);
    runs.make("charged", false);
    expect(runs.retire("charged", { usage: { ...quiet, memoryKb: REUSE_MAX_BYTES / 1024 + 4 }, oomKills: 0 })).toBe(true);
    expect(runs.kept().size).toBe(0);
    expect(children(memory)).toEqual([]);

    runs.make("busy", false);
    const procs = [memory, cpuacct].map((b) => path.join(b, "busy", "cgroup.procs"));
    const sleeper = spawn("sh", ["-c", `echo $$ > ${procs[0]} && echo $$ > ${procs[1]} && exec sleep 30`], { stdio: "ignore" });
    await expect.poll(() => readPids(procs[0]).length).toBe(1);
    expect(runs.retire("busy", { usage: quiet, oomKills: 0 })).toBe(false);
    expect(runs.kept().size).toBe(0);
    sleeper.kill("SIGKILL");
    await new Promise((r) => sleeper.on("exit", r));
    await expect.poll(() => readPids(procs[0]).length).toBe(0);

    runs.make("clean", false);
    expect(runIn("clean", "true")).toBe(0);
    expect(runs.retire("clean", { usage: quiet, oomKills: 0 })).toBe(true);
    expect(runs.kept()).toEqual(new Set(["clean"]));
  });
});
