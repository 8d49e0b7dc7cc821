import { execFileSync } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { parseExitRecord } from "../../lib/core/exit-record";
import { DEFAULT_MAX_PROCESSES, type SpawnRequest, type Spawner, defaultSpawnerKind, spawnerCommand, startSpawner } from "./spawner-client";
import { groupOf } from "./process-tree";
import { runOf } from "./run-watch";

const isRoot = process.getuid?.() === 0;

/** What a job can keep outside its files for the next run of its uid (the script says how). */
const LEFTOVERS = path.join(import.meta.dirname, "../tests/fixtures/uid-leftovers.py");
/** A uid nothing else uses: each test its own, as what a run left under a uid may stay with it. */
const unusedUid = () => 3_900_000_000 + Math.floor(Math.random() * 90_000_000);

// These machines have a C compiler: the build made the C spawner, and the worker uses it.
it("the C spawner is built and is the default", () => {
  expect(defaultSpawnerKind()).toBe("c");
  expect(fs.existsSync(spawnerCommand("c").command)).toBe(true);
});

// Both real spawners, starting real processes: the C one (built by the build; these machines
// have a compiler, so a missing binary fails here) and the Perl one it falls back to.
describe.each(["c", "perl"] as const)("the job spawner (%s)", (kind) => {
  let dir: string;
  let spawner: Spawner;
  let logged: string[];

  beforeEach(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), "qm-spawner-"));
    fs.chmodSync(dir, 0o755);
    logged = [];
    spawner = startSpawner(process.env, (m) => logged.push(m), kind);
  });
  afterEach(() => {
    spawner.close();
    fs.rmSync(dir, { recursive: true, force: true });
  });

  const exitRecord = path.join(os.tmpdir(), `qm-spawner-${process.pid}-${kind}.exit`);

  afterEach(() => fs.rmSync(exitRecord, { force: true }));

  /** A run of `script` (sh -c, with `args` as $1...). */
  const request = (script: string, extra: Partial<SpawnRequest> & { args?: string[] } = {}): SpawnRequest => {
    const { args = [], ...rest } = extra;
    return { dir, log: path.join(dir, "process.log"), header: "header line\n", exitRecord, cgroups: [], runAs: null, command: ["/bin/sh", "-c", script, "qm", ...args], env: {}, ...rest };
  };
  const logText = () => fs.readFileSync(path.join(dir, "process.log"), "utf8");

  it("starts the command in the folder, under a wrapper leading a session of its own, with the header then its output in the log", async () => {
    const args = ["two words", "quote ' and \" and \\", "line\nbreak", "é ü 日本", ""];
    const { pid, ended } = await spawner.spawn(
      request('printf "%s|" "$@"; echo; echo "$QM_ODD"; pwd; ps -o sid= -p $$; ps -o pgid= -p $$; read x; echo "stdin:$x:"', { args, env: { QM_ODD: "a=b c\nd" } }),
    );
    expect(pid).toBeGreaterThan(0);
    expect(await ended).toEqual({ exitCode: 0, signal: null });
    const lines = logText().split("\n");
    expect(lines[0]).toBe("header line");
    expect(lines[1]).toBe("two words|quote ' and \" and \\|line");
    expect(lines[2]).toBe("break|é ü 日本||");
    expect(lines.slice(3, 5)).toEqual(["a=b c", "d"]);
    expect(lines[5]).toBe(fs.realpathSync(dir));
    // The command is the wrapper's child, in the session and group the wrapper leads.
    expect(Number(lines[6])).toBe(pid);
    expect(Number(lines[7])).toBe(pid);
    expect(lines[8]).toBe("stdin::");
  });

  it("starts the header on a line of its own after a log whose last line has no line break (QM 0.4's), and adds none after one that has", async () => {
    fs.writeFileSync(path.join(dir, "process.log"), "elapsed time: 300.0s");
    expect(await (await spawner.spawn(request("echo first"))).ended).toEqual({ exitCode: 0, signal: null });
    expect(await (await spawner.spawn(request("echo second"))).ended).toEqual({ exitCode: 0, signal: null });
    expect(logText()).toBe("elapsed time: 300.0s\nheader line\nfirst\nheader line\nsecond\n");
  });

  it("the wrapper writes the exit record: the command's status and CPU time, 128 + N for a signal", async () => {
    const { ended } = await spawner.spawn(request("i=0; while [ $i -lt 200000 ]; do i=$((i+1)); done; exit 3"));
    // The wrapper exits with the command's shell status.
    expect(await ended).toEqual({ exitCode: 3, signal: null });
    const record = parseExitRecord(fs.readFileSync(exitRecord, "utf8"));
    expect(record?.status).toBe(3);
    expect(record?.cpuSeconds).toBeGreaterThan(0.05);
    const killed = await spawner.spawn(request("kill -KILL $$"));
    expect(await killed.ended).toEqual({ exitCode: 137, signal: null });
    expect(parseExitRecord(fs.readFileSync(exitRecord, "utf8"))?.status).toBe(137);
  });

  it("a TERM to the run's group ends the command, and the wrapper still records how it ended", async () => {
    const { pid, ended } = await spawner.spawn(request("echo started; sleep 30"));
    await waitUntil(() => logText().includes("started"));
    process.kill(-pid, "SIGTERM");
    expect(await ended).toEqual({ exitCode: 143, signal: null });
    expect(parseExitRecord(fs.readFileSync(exitRecord, "utf8"))?.status).toBe(143);
  });

  it("the wrapper's title names the run, so that a later worker finds it by its token", async () => {
    const { pid, ended } = await spawner.spawn(request("echo started; sleep 30", { env: { QM_RUN_TOKEN: "abc123def456", QM_JOB_DIR: dir } }));
    await waitUntil(() => logText().includes("started"));
    expect(fs.readFileSync(`/proc/${pid}/cmdline`, "utf8").replace(/\0+$/, "")).toBe("qm-run abc123def456");
    expect(runOf(pid)).toEqual({ token: "abc123def456", dir: fs.realpathSync(dir) });
    expect(groupOf(pid)).toBe(pid);
    // Nothing of the worker's side (a test runner's channel here) is left open to the job.
    expect(fs.readdirSync(`/proc/${pid}/fd`).sort()).toEqual(["0", "1", "2"]);
    const job = Number(fs.readFileSync(`/proc/${pid}/task/${pid}/children`, "utf8").trim().split(" ")[0]);
    expect(fs.readdirSync(`/proc/${job}/fd`).sort()).toEqual(["0", "1", "2"]);
    process.kill(-pid, "SIGKILL");
    expect((await ended).signal).toBe("SIGKILL");
  });

  it("a control group that cannot be joined: the command never runs, the run ends 125, recorded", async () => {
    const { pid, ended } = await spawner.spawn(request("echo ran", { cgroups: [path.join(dir, "no-such-group", "cgroup.procs")] }));
    expect(pid).toBeGreaterThan(0);
    expect(await ended).toEqual({ exitCode: 125, signal: null });
    expect(logText()).toMatch(/\[QM\] could not enter the control group .*no-such-group\/cgroup.procs/);
    expect(logText()).not.toContain("ran");
    expect(parseExitRecord(fs.readFileSync(exitRecord, "utf8"))?.status).toBe(125);
  });

  // So that the kernel need not move it while it holds the cgroup lock (spawner.c says why);
  // the Perl wrapper joins as it is. A plain folder stands for the cpuset here: joining it
  // pins nothing, so the command is on the listed CPU only if the wrapper moved itself.
  it.runIf(kind === "c")("the wrapper moves onto a cpuset's CPUs before it joins it", async () => {
    const group = path.join(dir, "cpus-last");
    const last = String(os.cpus().length - 1);
    fs.mkdirSync(group);
    fs.writeFileSync(path.join(group, "cpuset.cpus"), `${last}\n`);
    fs.writeFileSync(path.join(group, "cgroup.procs"), "");
    const { pid, ended } = await spawner.spawn(request("grep Cpus_allowed_list /proc/self/status", { cgroups: [path.join(group, "cgroup.procs")] }));
    expect(await ended).toEqual({ exitCode: 0, signal: null });
    expect(logText()).toContain(`Cpus_allowed_list:\t${last}\n`);
    expect(fs.readFileSync(path.join(group, "cgroup.procs"), "utf8")).toBe(`${pid}\n`);
  });

  it.runIf(isRoot)("runs the command as the run's identity: its uid and gid, no other group, no_new_privs", async () => {
    const { ended } = await spawner.spawn(request("id -u; id -g; id -G; grep -E '^(Uid|Gid|NoNewPrivs|CapEff)' /proc/self/status", { runAs: { uid: 65534, gid: 65533, pool: false } }));
    expect(await ended).toEqual({ exitCode: 0, signal: null });
    const lines = logText().split("\n").slice(1);
    expect(lines.slice(0, 3)).toEqual(["65534", "65533", "65533"]);
    // Real, effective, saved and filesystem: no way back to root.
    expect(lines).toContain("Uid:\t65534\t65534\t65534\t65534");
    expect(lines).toContain("Gid:\t65533\t65533\t65533\t65533");
    expect(lines).toContain("NoNewPrivs:\t1");
    expect(lines).toContain("CapEff:\t0000000000000000");
  });

  describe.runIf(isRoot)("what a run keeps outside its files", () => {
    /** Run `python3 uid-leftovers.py ...args` as `runAs`; its output (without the header). */
    const runScript = async (runAs: SpawnRequest["runAs"], args: string[], extra: Partial<SpawnRequest> = {}) => {
      fs.rmSync(path.join(dir, "process.log"), { force: true });
      const { ended } = await spawner.spawn({ ...request(""), command: ["/usr/bin/python3", LEFTOVERS, ...args], runAs, ...extra });
      return { status: await ended, output: logText().split("\n").slice(1).join("\n") };
    };
    const leaveThenLook = async (runAs: SpawnRequest["runAs"]) => {
      const name = `qmleak${process.pid}${kind}`;
      expect(await runScript(runAs, ["leave", name])).toEqual({ status: { exitCode: 0, signal: null }, output: "left\n" });
      return (await runScript(runAs, ["look", name])).output;
    };

    it("a pool uid's next run finds none of the message queues and keys its last run left", async () => {
      const uid = unusedUid();
      expect(await leaveThenLook({ uid, gid: uid, pool: true })).toBe("nothing\n");
    });

    it("each run has System V IPC and message queues of its own, not the worker's", async () => {
      const uid = unusedUid();
      const { output } = await runScript({ uid, gid: uid, pool: true }, [], { command: ["/bin/sh", "-c", "readlink /proc/self/ns/ipc"] });
      expect(output.trim()).toMatch(/^ipc:\[\d+\]$/);
      expect(output.trim()).not.toBe(fs.readlinkSync("/proc/self/ns/ipc"));
    });

    // A person's own account keeps its keyrings (its other sessions may use them); the run
    // still has its own IPC and session keyring.
    it("a Run_As account's keyrings are left as they are", async () => {
      const uid = unusedUid();
      const found = await leaveThenLook({ uid, gid: uid, pool: false });
      expect(found).toContain("user key: secret-");
      expect(found).toContain("persistent key: secret-");
      expect(found).not.toContain("mq:");
      expect(found).not.toMatch(/^session key:/m);
      // Emptied as a pool uid's would be, not to leave the keys with the uid.
      expect(await runScript({ uid, gid: uid, pool: true }, ["look", `qmleak${process.pid}${kind}`])).toMatchObject({ output: "nothing\n" });
    });

    it("a uid whose keyring a run locked runs nothing more: the run says why, and reads nothing", async () => {
      const uid = unusedUid();
      expect((await runScript({ uid, gid: uid, pool: true }, ["lock", "qmlocked"])).output).toBe("left\nlocked\n");
      const next = await runScript({ uid, gid: uid, pool: true }, ["look", "qmlocked"]);
      expect(next.status).toEqual({ exitCode: 126, signal: null });
      expect(next.output).toMatch(/^\[QM\] cannot empty the user keyring that earlier runs of uid \d+ left \(Permission denied\): .*take it out of Job_Uids\n$/);
    });

    it("a pool uid's processes are capped at the request's maxProcesses (default DEFAULT_MAX_PROCESSES); a Run_As account's are not", async () => {
      const uid = unusedUid();
      const limitOf = async (runAs: SpawnRequest["runAs"]) => (await runScript(runAs, [], { command: ["/bin/grep", "^Max processes", "/proc/self/limits"] })).output.split(/\s+/).slice(2, 4);
      // Soft and hard: the job cannot raise it.
      expect(await limitOf({ uid, gid: uid, pool: true })).toEqual([String(DEFAULT_MAX_PROCESSES), String(DEFAULT_MAX_PROCESSES)]);
      const forks = await runScript({ uid, gid: uid, pool: true }, ["forks", "100"], { maxProcesses: 20 });
      expect(forks.status).toEqual({ exitCode: 0, signal: null });
      // The script and its children: at most 20 processes of the uid.
      expect(forks.output).toMatch(/^forked 1\d\nfork failed: EAGAIN\n$/);
      const own = fs.readFileSync("/proc/self/limits", "utf8").match(/^Max processes\s+(\S+)\s+(\S+)/m)!.slice(1, 3);
      expect(await limitOf({ uid, gid: uid, pool: false })).toEqual(own);
    });
  });

  it("a command that cannot be run ends 127 with the reason in the log", async () => {
    const { ended } = await spawner.spawn({ ...request(""), command: [path.join(dir, "missing-program")] });
    expect(await ended).toEqual({ exitCode: 127, signal: null });
    expect(logText()).toMatch(/\[QM\] cannot run .*missing-program: No such file/);
  });

  it("a folder that cannot be entered is the start's error, with no process", async () => {
    const { pid, ended } = await spawner.spawn(request("true", { dir: path.join(dir, "missing") }));
    expect(pid).toBe(0);
    expect((await ended).error).toMatch(/chdir .*missing: No such file/);
    const { pid: logPid, ended: logEnded } = await spawner.spawn(request("true", { log: path.join(dir, "no", "process.log") }));
    expect(logPid).toBe(0);
    expect((await logEnded).error).toMatch(/cannot open .*process.log/);
  });

  it("a log that is a symlink, a hard link or a FIFO is the start's error: nothing written through it, no process", async () => {
    const elsewhere = path.join(dir, "elsewhere.txt");
    fs.writeFileSync(elsewhere, "someone else's\n");
    const log = path.join(dir, "process.log");
    const startWith = async (make: () => void) => {
      fs.rmSync(log, { force: true });
      make();
      const { pid, ended } = await spawner.spawn(request("echo written"));
      expect(pid).toBe(0);
      return (await ended).error;
    };
    expect(await startWith(() => fs.symlinkSync(elsewhere, log))).toMatch(/process\.log: it is a symlink; remove it/);
    expect(await startWith(() => fs.linkSync(elsewhere, log))).toMatch(/process\.log: it is not a plain file with a single name; remove it/);
    expect(await startWith(() => execFileSync("mkfifo", [log]))).toMatch(/process\.log: it is not a plain file|No such device/);
    expect(fs.readFileSync(elsewhere, "utf8")).toBe("someone else's\n");
  });

  it("reports each start's end on its own", async () => {
    const [a, b, c] = await Promise.all([spawner.spawn(request("exit 3")), spawner.spawn(request("exit 4")), spawner.spawn(request("sleep 0.2"))]);
    expect(new Set([a.pid, b.pid, c.pid]).size).toBe(3);
    expect(await a.ended).toEqual({ exitCode: 3, signal: null });
    expect(await b.ended).toEqual({ exitCode: 4, signal: null });
    expect(await c.ended).toEqual({ exitCode: 0, signal: null });
  });

  it("a dead spawner is restarted; the runs it had started go on and are reported as spawner-died", async () => {
    const { pid, ended } = await spawner.spawn(request("sleep 0.5; echo survived"));
    const helper = Number(fs.readFileSync(`/proc/${pid}/stat`, "utf8").split(") ")[1].split(" ")[1]);
    process.kill(helper, "SIGKILL");
    expect(await ended).toMatchObject({ error: "spawner-died" });
    expect(logged.join("\n")).toMatch(/stopped unexpectedly \(SIGKILL\); restarting it/);
    const next = await spawner.spawn(request("exit 0"));
    expect(await next.ended).toEqual({ exitCode: 0, signal: null });
    await new Promise((r) => setTimeout(r, 800));
    expect(logText()).toContain("survived");
  });
});

async function waitUntil(check: () => boolean, ms = 5_000): Promise<void> {
  const end = Date.now() + ms;
  while (!check()) {
    if (Date.now() > end) throw new Error("timed out");
    await new Promise((r) => setTimeout(r, 20));
  }
}
