import { execFileSync } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { type IdentityPool, type JobIdentity, type UidWait, createIdentityPool } from "./identity";
import { IPC_TABLES, TEMP_FOLDERS, removeIpcObjectsOf } from "./uid-traces";

// Two pools stand for two QueueManagers on one machine: same Job_Uids, one claims folder.
const asRoot = process.getuid?.() === 0;
const RANGE = "3999990000-3999990001";

/** The identity a claim gave; fails when it gave none or said to wait. */
function given(claimed: ReturnType<IdentityPool["claim"]>): JobIdentity {
  if (!claimed || "wait" in claimed) throw new Error(`no identity given: ${claimed ? claimed.wait : "null"}`);
  return claimed;
}

/** The wait a claim said to make; fails when it gave something else. */
function waitOf(claimed: ReturnType<IdentityPool["claim"]>): UidWait {
  if (!claimed || !("wait" in claimed)) throw new Error(`no wait: ${JSON.stringify(claimed)}`);
  return claimed;
}

describe.skipIf(!asRoot)("pool uids claimed machine-wide", () => {
  let claimsDir: string;
  beforeEach(() => {
    claimsDir = fs.mkdtempSync(path.join(os.tmpdir(), "qm-claims-"));
  });
  afterEach(() => fs.rmSync(claimsDir, { recursive: true, force: true }));
  const pool = (jobUids = RANGE) => createIdentityPool({ jobUids, runAs: "", claimsDir }, () => {});

  it("two workers never hand out the same uid, and a full pool says so", () => {
    const a = pool();
    const b = pool();
    const first = given(a.claim([]));
    const second = given(b.claim([]));
    expect(first.uid).toBe(3999990000);
    expect(second.uid).toBe(3999990001);
    expect(fs.readFileSync(path.join(claimsDir, String(first.uid)), "utf8")).toMatch(new RegExp(`^${process.pid} `));
    expect(() => pool().claim([])).toThrow(/held by a running job \(of this or another QueueManager/);
  });

  it("a released uid stays with its worker for reuse, not with the other", () => {
    const a = pool("3999990000-3999990000");
    const b = pool("3999990000-3999990000");
    const id = given(a.claim([]));
    a.release(id);
    expect(() => b.claim([])).toThrow(/held by a running job/);
  });

  it("a claim left by a worker that is gone is taken over, but only when no unclaimed uid remains", () => {
    fs.writeFileSync(path.join(claimsDir, "3999990000"), "999999999 12345 deadbeef\n");
    const a = pool();
    expect(given(a.claim([])).uid).toBe(3999990001);
    expect(given(a.claim([])).uid).toBe(3999990000);
    expect(fs.readFileSync(path.join(claimsDir, "3999990000"), "utf8")).toMatch(new RegExp(`^${process.pid} `));
  });

  it("a restarted worker adopting a run takes over its dead predecessor's claim", () => {
    fs.writeFileSync(path.join(claimsDir, "3999990000"), "999999999 12345 deadbeef\n");
    const a = pool();
    a.hold({ uid: 3999990000, gid: 3999990000, name: "qm-job-3999990000", exclusive: true });
    expect(fs.readFileSync(path.join(claimsDir, "3999990000"), "utf8")).toMatch(new RegExp(`^${process.pid} `));
    expect(pool("3999990000-3999990000").claim.bind(null, [])).toThrow(/held by a running job/);
  });
});

describe.skipIf(!asRoot)("a stopping worker", () => {
  it("gives back the uids no run holds, and keeps the running ones", async () => {
    const claimsDir = fs.mkdtempSync(path.join(os.tmpdir(), "qm-claims-"));
    try {
      const a = createIdentityPool({ jobUids: RANGE, runAs: "", claimsDir }, () => {});
      const done = given(a.claim([]));
      const running = given(a.claim([]));
      a.release(done);
      await a.close();
      expect(fs.readdirSync(claimsDir)).toEqual([String(running.uid)]);
      const b = createIdentityPool({ jobUids: RANGE, runAs: "", claimsDir }, () => {});
      expect(given(b.claim([])).uid).toBe(done.uid);
    } finally {
      fs.rmSync(claimsDir, { recursive: true, force: true });
    }
  });
});

describe.skipIf(!asRoot)("a released uid", () => {
  afterEach(() => vi.useRealTimers());

  it("is clean at once when no temporary folder changed while it was out; swept first when one did", async () => {
    const claimsDir = fs.mkdtempSync(path.join(os.tmpdir(), "qm-claims-"));
    const tmp = fs.mkdtempSync(path.join(os.tmpdir(), "qm-tmp-"));
    try {
      const longAgo = new Date(Date.now() - 60_000);
      fs.utimesSync(tmp, longAgo, longAgo);
      const a = createIdentityPool({ jobUids: "3999990000-3999990000", runAs: "", claimsDir, tempFolders: [tmp] }, () => {});
      const id = given(a.claim([]));
      a.release(id);
      expect(given(a.claim([])).uid).toBe(id.uid); // no sweep to wait for
      fs.writeFileSync(path.join(tmp, "made-by-the-run"), "");
      a.release(id);
      expect(waitOf(a.claim([])).wait).toMatch(/1 having their temporary files removed/); // dirty until swept
      await a.close();
    } finally {
      fs.rmSync(tmp, { recursive: true, force: true });
      fs.rmSync(claimsDir, { recursive: true, force: true });
    }
  });

  it("is swept when its run wrote only into a folder of root's open to everyone (/tmp/.X11-unix), and its files there go", async () => {
    const claimsDir = fs.mkdtempSync(path.join(os.tmpdir(), "qm-claims-"));
    const tmp = fs.mkdtempSync(path.join(os.tmpdir(), "qm-tmp-"));
    try {
      const x11 = path.join(tmp, ".X11-unix");
      fs.mkdirSync(x11);
      for (const dir of [x11, tmp]) fs.chmodSync(dir, 0o1777);
      const longAgo = new Date(Date.now() - 60_000);
      for (const dir of [x11, tmp]) fs.utimesSync(dir, longAgo, longAgo);
      const a = createIdentityPool({ jobUids: "3999990000-3999990000", runAs: "", claimsDir, tempFolders: [tmp] }, () => {});
      const id = given(a.claim([]));
      const left = path.join(x11, "kept-for-the-next-run");
      execFileSync("setpriv", [`--reuid=${id.uid}`, `--regid=${id.gid}`, "--clear-groups", "sh", "-c", `echo data > ${left}`]);
      a.release(id);
      expect(waitOf(a.claim([])).wait).toMatch(/having their temporary files removed/); // dirty until swept
      await a.close();
      expect(fs.existsSync(left)).toBe(false);
    } finally {
      fs.rmSync(tmp, { recursive: true, force: true });
      fs.rmSync(claimsDir, { recursive: true, force: true });
    }
  });

  it("keeps none of the System V shared memory, semaphores and message queues its run made", () => {
    const claimsDir = fs.mkdtempSync(path.join(os.tmpdir(), "qm-claims-"));
    try {
      const a = createIdentityPool({ jobUids: "3999990000-3999990000", runAs: "", claimsDir, tempFolders: [] }, () => {});
      // An earlier run's end: the tables are kept open from here on, and read again they must
      // show what was made since.
      a.release(given(a.claim([])));
      const id = given(a.claim([]));
      // The run: a segment holding its data, a semaphore set and a queue, left behind at its exit.
      const script = "use IPC::SysV qw(IPC_PRIVATE IPC_CREAT); my $m = shmget(IPC_PRIVATE, 4096, IPC_CREAT|0600) or die $!; shmwrite($m, 'results', 0, 7) or die $!; semget(IPC_PRIVATE, 1, IPC_CREAT|0600) // die $!; msgget(IPC_PRIVATE, IPC_CREAT|0600) // die $!";
      execFileSync("setpriv", [`--reuid=${id.uid}`, `--regid=${id.gid}`, "--clear-groups", "perl", "-e", script]);
      const owned = () => IPC_TABLES.map(([table]) => fs.readFileSync(table, "utf8").split("\n").filter((l) => l.trim().split(/\s+/).includes(String(id.uid))).length);
      expect(owned()).toEqual([1, 1, 1]);
      a.release(id);
      expect(owned()).toEqual([0, 0, 0]);
    } finally {
      removeIpcObjectsOf(new Set([3_999_990_000])); // what a failure left
      fs.rmSync(claimsDir, { recursive: true, force: true });
    }
  });

  it("keeps none of the POSIX message queues its run made (/dev/mqueue, where systemd mounts them)", async () => {
    // This machine has no /dev/mqueue (no systemd): the test mounts the queues' filesystem
    // itself, where the sweep is told to look, and leaves it afterwards.
    const claimsDir = fs.mkdtempSync(path.join(os.tmpdir(), "qm-claims-"));
    const mqueue = fs.mkdtempSync(path.join(os.tmpdir(), "qm-mqueue-"));
    execFileSync("mount", ["-t", "mqueue", "none", mqueue]);
    const queue = path.join(mqueue, `qm-left-by-job-${process.pid}`);
    try {
      const a = createIdentityPool({ jobUids: "3999990000-3999990000", runAs: "", claimsDir, tempFolders: [mqueue] }, () => {});
      const id = given(a.claim([]));
      // What mq_open(O_CREAT) by the run leaves: a queue of its uid, messages and all.
      fs.closeSync(fs.openSync(queue, "wx", 0o600));
      fs.chownSync(queue, id.uid, id.gid);
      a.release(id);
      await a.close();
      expect(fs.existsSync(queue)).toBe(false);
      expect(TEMP_FOLDERS).toContain("/dev/mqueue"); // where it is swept on a machine with systemd
    } finally {
      fs.rmSync(queue, { force: true });
      execFileSync("umount", [mqueue]);
      fs.rmSync(mqueue, { recursive: true, force: true });
      fs.rmSync(claimsDir, { recursive: true, force: true });
    }
  });

  it("is handed out again only once the sweep of its temporary files is over, even to a full pool, and a start waiting for it is told", async () => {
    vi.useFakeTimers({ toFake: ["setTimeout"] });
    const claimsDir = fs.mkdtempSync(path.join(os.tmpdir(), "qm-claims-"));
    const left = path.join(os.tmpdir(), `qm-left-by-job-${process.pid}`);
    try {
      const a = createIdentityPool({ jobUids: "3999990000-3999990000", runAs: "", claimsDir }, () => {});
      const id = given(a.claim([]));
      fs.writeFileSync(left, "a job's temporary file");
      fs.chownSync(left, id.uid, id.gid);
      a.release(id);
      const waiting = waitOf(a.claim([]));
      expect(waiting.wait).toBe("no uid of Job_Uids (3999990000-3999990000) is free now (1 having their temporary files removed): the job starts when one is");
      let told = false;
      void waiting.freed.then(() => (told = true));
      // The sweep starts (a second after the release) and is under way: the uid is not free yet.
      vi.advanceTimersByTime(1_000);
      expect(waitOf(a.claim([])).wait).toMatch(/having their temporary files removed/);
      await vi.waitFor(() => expect(told).toBe(true));
      expect(fs.existsSync(left)).toBe(false);
      expect(given(a.claim([])).uid).toBe(id.uid);
    } finally {
      fs.rmSync(left, { force: true });
      fs.rmSync(claimsDir, { recursive: true, force: true });
    }
  });
});

describe.skipIf(!asRoot)("a pool with no uid free", () => {
  let claimsDir: string;
  let tmp: string;
  beforeEach(() => {
    claimsDir = fs.mkdtempSync(path.join(os.tmpdir(), "qm-claims-"));
    // Temporary folders that never change: a released uid is clean at once.
    tmp = fs.mkdtempSync(path.join(os.tmpdir(), "qm-tmp-"));
    const longAgo = new Date(Date.now() - 60_000);
    fs.utimesSync(tmp, longAgo, longAgo);
  });
  afterEach(() => {
    fs.rmSync(tmp, { recursive: true, force: true });
    fs.rmSync(claimsDir, { recursive: true, force: true });
  });
  const pool = () => createIdentityPool({ jobUids: RANGE, runAs: "", claimsDir, tempFolders: [tmp] }, () => {});

  it("makes a start wait while one of its own running jobs holds a uid, and hands it out once that run ends", async () => {
    const a = pool();
    const retiredOne = given(a.claim([]));
    a.retire(retiredOne, "a test retires it");
    const running = given(a.claim([]));
    const waiting = waitOf(a.claim([]));
    expect(waiting.wait).toBe("no uid of Job_Uids (3999990000-3999990001) is free now (1 held by running jobs): the job starts when one is");
    a.release(running);
    await waiting.freed;
    expect(given(a.claim([])).uid).toBe(running.uid);
  });

  it("hands a claimed uid that no run used out again at once", async () => {
    const a = pool();
    const first = given(a.claim([]));
    const second = given(a.claim([]));
    const waiting = waitOf(a.claim([]));
    a.unclaim(second);
    await waiting.freed;
    expect(given(a.claim([])).uid).toBe(second.uid);
    a.release(first);
  });

  it("fails a start, saying so, when nothing of its own comes back: every uid retired, or held by another live QueueManager", () => {
    const a = pool();
    for (const id of [given(a.claim([])), given(a.claim([]))]) a.retire(id, "a test retires it");
    expect(() => a.claim([])).toThrow("every uid of Job_Uids (3999990000-3999990001) is held by a running job (of this or another QueueManager on this machine); 2 of them are not used again by this worker (its log says why); widen the range");
    expect(() => pool().claim([])).toThrow(/held by a running job \(of this or another QueueManager on this machine\); widen the range/);
  });
});
