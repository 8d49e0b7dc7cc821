/**
 * Jobs get what they ask for and no more, with real processes, in each confinement these
 * machines allow: control groups v1 (forced by Limits = cgroup1) and the rlimit way
 * (Limits = none). The v2 code is tested against a cgroupfs-like tree (cgroup-v2.test.ts).
 */
import fs from "node:fs";
import path from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { requestKill } from "../../lib/server/jobs/kill-job";
import { cgroupV1Available } from "../local/limits/cgroup-v1";
import { createTestEnv, jobProcesses, submitJob, type TestEnv, waitFor, waitForJob } from "./helpers";
import { startWorker, type InProcessWorker } from "./in-process";

let env: TestEnv;
let worker: InProcessWorker;
afterEach(async () => {
  await worker?.stop();
  if (env) await waitFor("job processes gone", () => jobProcesses(env.layout.root).length === 0, 15_000).catch(() => undefined);
  await env?.cleanup();
});

const info = (script: string, keys: Record<string, string | number> = {}) =>
  ["[QMOptions]", `script = ${script}`, ...Object.entries(keys).map(([k, v]) => `${k} = ${v}`), ""].join("\n");

const logOf = (folder: string) => fs.readFileSync(path.join(env.layout.root, folder, "process.log"), "utf8");
const runInfoOf = async (id: number) => JSON.parse((await env.db.job.findUniqueOrThrow({ where: { id } })).runInfo ?? "{}") as { cpus: number[]; pid?: number };

/** CPU seconds used so far by the processes of a uid (from /proc: works in every mode). */
function cpuOfUid(uid: number): number {
  let ticks = 0;
  for (const entry of fs.readdirSync("/proc")) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      if (fs.statSync(`/proc/${entry}`).uid !== uid) continue;
      const f = fs.readFileSync(`/proc/${entry}/stat`, "utf8").split(") ")[1].split(" ");
      ticks += Number(f[11]) + Number(f[12]);
    } catch {
      // gone
    }
  }
  return ticks / 100;
}

const MODES = [
  ["cgroup1", cgroupV1Available("/sys/fs/cgroup") && process.getuid?.() === 0],
  ["none", true],
] as const;

for (const [mode, available] of MODES) {
  describe.skipIf(!available)(`Limits = ${mode}`, () => {
    it("pins a job with nb_proc = 1 to one CPU: three busy loops get about one CPU, nproc says 1, the other job's CPU stays its own", async () => {
      env = await createTestEnv({ Limits: mode, MaxNbProcessors: 2, Kill_Grace: 1 });
      worker = await startWorker(env);
      const busy = await submitJob(env, "busy", { script: "", infoText: info("nproc; for i in 1 2 3; do (while :; do :; done) & done; sleep 4; kill $(jobs -p)", { nb_proc: 1 }) });
      const other = await submitJob(env, "other", { script: "", infoText: info("nproc; sleep 4", { nb_proc: 1 }) });
      // Both started for real: the CPUs are recorded with the claim, the process (pid, uid) once it exists.
      const [a, b] = await Promise.all([busy, other].map((id) => waitFor(`job ${id}'s run`, async () => ((await runInfoOf(id)).pid ? runInfoOf(id) : null))));
      const uid = (a as unknown as { uid: number }).uid;
      await new Promise((r) => setTimeout(r, 500));
      if (mode === "cgroup1") {
        // The run joins the cpuset of its CPU, shared by the runs pinned there (memory and
        // cpuacct are its own), which asks for no scheduling domain of its own (its CPU
        // changes would rebuild them all).
        const cgroups = fs.readFileSync(`/proc/${a.pid}/cgroup`, "utf8");
        const cpuset = /^\d+:cpuset:(.*)$/m.exec(cgroups)![1];
        expect(path.posix.basename(cpuset)).toBe(`cpus-${a.cpus[0]}`);
        expect(/^\d+:memory:(.*)$/m.exec(cgroups)![1]).toBe(path.posix.join(path.posix.dirname(cpuset), String((await env.db.job.findUniqueOrThrow({ where: { id: busy } })).runToken)));
        expect(fs.readFileSync(path.join("/sys/fs/cgroup/cpuset", cpuset, "cpuset.sched_load_balance"), "utf8").trim()).toBe("0");
        expect(fs.readFileSync(path.join("/sys/fs/cgroup/cpuset", cpuset, "cpuset.cpus"), "utf8").trim()).toBe(String(a.cpus[0]));
      }
      const c0 = cpuOfUid(uid);
      const t0 = Date.now();
      await new Promise((r) => setTimeout(r, 3000));
      const cpus = (cpuOfUid(uid) - c0) / ((Date.now() - t0) / 1000);
      console.log(`[measure] ${mode}: a job of nb_proc 1 with three busy loops used ${cpus.toFixed(2)} CPU over 3 s`);
      expect(cpus).toBeLessThanOrEqual(1.1);
      expect(cpus).toBeGreaterThan(0.1); // it ran (0.21 seen with both processors busy with other tests)
      expect(a.cpus).toHaveLength(1);
      expect(b.cpus).toHaveLength(1);
      expect(a.cpus[0]).not.toBe(b.cpus[0]);
      const done = await waitForJob(env, "busy", ["done", "failed", "killed"]);
      expect(logOf(done.folder)).toMatch(/=== CPUs: \d+\n(.*\n)*1\n/);
      expect(logOf((await waitForJob(env, "other", ["done"])).folder)).toMatch(/\n1\n/);
    });

    it("ends a job that reaches its walltime as timeout within walltime + Kill_Grace, leaving no process", async () => {
      env = await createTestEnv({ Limits: mode, Kill_Grace: 1 });
      worker = await startWorker(env);
      await submitJob(env, "slow", { script: "", infoText: info("trap '' TERM; sleep 300 & while :; do sleep 0.1; done", { walltime: "0:02" }) });
      const row = await waitForJob(env, "slow", ["timeout", "failed", "killed", "done"], 20_000);
      const took = row.finishedAt!.getTime() - row.startedAt!.getTime();
      console.log(`[measure] ${mode}: walltime 2 s, Kill_Grace 1 s: ended after ${took} ms`);
      expect(row.state).toBe("timeout");
      expect(took).toBeLessThanOrEqual(2000 + 1000 + 1500); // 3.7 s seen with both processors busy with other tests
      expect(row.error).toMatch(/reached its walltime \(0:02\)/);
      expect(jobProcesses(env.layout.root)).toEqual([]);
    });
  });
}

describe.skipIf(!MODES[0][1])("Limits = cgroup1: memory", () => {
  it("ends a job that allocates past its mem as oom within seconds (its script would sleep 30 s), with the reason", async () => {
    env = await createTestEnv({ Limits: "cgroup1" });
    worker = await startWorker(env);
    await submitJob(env, "greedy", { script: "", infoText: info(`python3 -c "a = bytearray(400 * 1024 * 1024); import time; time.sleep(30)"`, { mem: "100M" }) });
    const row = await waitForJob(env, "greedy", ["oom", "failed", "done"], 20_000);
    const took = row.finishedAt!.getTime() - row.startedAt!.getTime();
    console.log(`[measure] cgroup1: mem 100M, allocating 400M: ended after ${took} ms, peak ${row.peakMemoryKb} KB`);
    expect(row.state).toBe("oom");
    expect(took).toBeLessThan(5000); // about 1 s; 2.7 s seen with both processors busy with other tests
    expect(row.error).toMatch(/more than its memory limit \(100M\)/);
    expect(row.peakMemoryKb).toBeLessThanOrEqual(100 * 1024 + 64);
    // qm/<instance>/<run token>: looked up directly (other instances remove theirs meanwhile).
    const instances = fs.existsSync("/sys/fs/cgroup/memory/qm") ? fs.readdirSync("/sys/fs/cgroup/memory/qm") : [];
    expect(instances.filter((instance) => fs.existsSync(`/sys/fs/cgroup/memory/qm/${instance}/${row.runToken}`))).toEqual([]);
  });
});

describe.skipIf(!MODES[0][1])("Limits = cgroup1: a process killed for memory in a job that goes on", () => {
  it("leaves the job as it ends (done, exit 0) but says so in its log's footer and its history", async () => {
    env = await createTestEnv({ Limits: "cgroup1" });
    worker = await startWorker(env);
    // The shell goes on to its next line after python is killed, and exits 0.
    await submitJob(env, "partly", { script: "", infoText: info(`python3 -c "a = bytearray(200 * 1024 * 1024)"; echo went on`, { mem: "50M" }) });
    const row = await waitForJob(env, "partly", ["done", "oom", "failed"], 20_000);
    const said = "1 of its processes killed by the kernel for using more than its memory limit (50M); its results may be incomplete: ask for more with mem = ...";
    // The job page's error box and qm show/qm wait: the same words, as a sentence.
    expect(row).toMatchObject({ state: "done", exitCode: 0, error: `${said}.` });
    expect(logOf(row.folder)).toMatch(/went on\n=== QueueManager job \d+ ended .*state done/);
    expect(logOf(row.folder)).toContain(said);
    const ended = await env.db.jobEvent.findFirstOrThrow({ where: { jobId: row.id, kind: "done" } });
    expect(ended.detail).toBe(`exit code 0; ${said}`);
  });
});

describe.skipIf(!MODES[0][1])("Limits = cgroup1: run cgroups handed on", () => {
  it("the next job runs in the last one's clean cgroups and counts only its own CPU and memory; a memory kill's are not handed on", async () => {
    env = await createTestEnv({ Limits: "cgroup1", MaxNbProcessors: 1 });
    worker = await startWorker(env);
    // Each job logs the inode of its memory cgroup: the same inode is the same cgroup, renamed.
    const where = "stat -c 'cgroup %i' /sys/fs/cgroup/memory$(grep :memory: /proc/self/cgroup | cut -d: -f3)";
    const burn = "i=0; while [ $i -lt 200000 ]; do i=$((i+1)); done";
    const eat = (mb: number) => `head -c ${mb}M /dev/zero | tail > /dev/null`; // tail keeps a line with no end in memory
    await submitJob(env, "heavy", { script: "", infoText: info(`${where}; ${burn}; ${eat(40)}`) });
    await submitJob(env, "light", { script: "", infoText: info(where) });
    await submitJob(env, "killed", { script: "", infoText: info(`${where}; ${eat(100)}`, { mem: "32M" }) });
    await submitJob(env, "after", { script: "", infoText: info(where) });
    const rows: Awaited<ReturnType<typeof waitForJob>>[] = [];
    for (const name of ["heavy", "light", "killed", "after"]) rows.push(await waitForJob(env, name, ["done", "oom", "failed"], 30_000));
    const [heavy, light, killed, after] = rows;
    const inode = (row: (typeof rows)[number]) => /^cgroup (\d+)$/m.exec(logOf(row.folder))![1];
    console.log(`[measure] cgroup1 handed on: heavy ${heavy.cpuSeconds} s ${heavy.peakMemoryKb} KB, then light ${light.cpuSeconds} s ${light.peakMemoryKb} KB`);
    expect([heavy.state, light.state, killed.state, after.state]).toEqual(["done", "done", "oom", "done"]);
    expect(inode(light)).toBe(inode(heavy));
    expect(heavy.cpuSeconds).toBeGreaterThan(0.1);
    expect(heavy.peakMemoryKb).toBeGreaterThan(40 * 1024);
    expect(light.cpuSeconds).toBeLessThan(heavy.cpuSeconds! / 3); // heavy's would be counted again (~0.01 s alone, 0.05 on a busy machine)
    expect(light.peakMemoryKb).toBeLessThan(10 * 1024);
    expect(inode(after)).not.toBe(inode(killed));
  });
});

describe.skipIf(!MODES[0][1])("Limits = cgroup1: the instance's own folders", () => {
  it("are removed when the worker stops with no run left in them, and kept while a run goes on", async () => {
    env = await createTestEnv({ Limits: "cgroup1", Shutdown_Jobs: "keep" });
    worker = await startWorker(env);
    await submitJob(env, "where", { script: "", infoText: info("grep :memory: /proc/self/cgroup") });
    const done = await waitForJob(env, "where", ["done"]);
    // "N:memory:/qm/<instance>/<run token>": the instance's folder is the run's parent.
    const instance = path.posix.dirname(/^\d+:memory:(.*)$/m.exec(logOf(done.folder))![1]);
    const folders = ["memory", "cpuset", "cpuacct"].map((c) => path.join("/sys/fs/cgroup", c, instance));
    expect(folders.every((f) => fs.existsSync(f))).toBe(true);
    const going = await submitJob(env, "going", { script: "", infoText: info("echo started; sleep 30") });
    await waitFor("the run going on", async () => ((await env.db.job.findUniqueOrThrow({ where: { id: going } })).pid ? true : null));
    await worker.stop();
    // The run goes on (Shutdown_Jobs = keep): its folders stay, and the instance's with them.
    expect(folders.every((f) => fs.existsSync(f))).toBe(true);
    worker = await startWorker(env);
    await requestKill(env.store, env.layout, going, "a test");
    await waitForJob(env, "going", ["killed", "failed"], 20_000);
    await worker.stop();
    expect(folders.filter((f) => fs.existsSync(f))).toEqual([]);
  });
});
