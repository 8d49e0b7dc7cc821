/** A job folder handed to a run's uid and back, as root: nothing outside it changes owner, whatever its entries are. */
import { execFileSync, spawn } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { chownTree, takeBack } from "./job-folder-owner";

const UID = 61_987;
let root: string;
let dir: string;
let outside: string;
beforeEach(() => {
  root = fs.mkdtempSync(path.join(os.tmpdir(), "qm-owner-"));
  dir = path.join(root, "job");
  outside = path.join(root, "outside");
  fs.mkdirSync(path.join(outside, "inner"), { recursive: true });
  fs.writeFileSync(path.join(outside, "secret"), "root's\n");
  fs.mkdirSync(path.join(dir, "data", "deep"), { recursive: true });
  fs.writeFileSync(path.join(dir, "run.sh"), "true\n");
  fs.writeFileSync(path.join(dir, "data", "deep", "x.txt"), "x\n");
  fs.symlinkSync(path.join(outside, "secret"), path.join(dir, "link-to-file"));
  fs.symlinkSync(outside, path.join(dir, "data", "link-to-folder"));
  fs.linkSync(path.join(outside, "secret"), path.join(dir, "hard-link"));
  execFileSync("mkfifo", [path.join(dir, "fifo")]);
});
// The swapper's last mv or ln (a child of the killed shell) may still land an entry: retried.
afterEach(() => fs.rmSync(root, { recursive: true, force: true, maxRetries: 20, retryDelay: 100 })); // 2 s: 0.25 s was short on a busy machine

const owner = (file: string) => fs.lstatSync(file).uid;
/** UID and the next are the pool here. */
const isPool = (uid: number) => uid === UID || uid === UID + 1;
/** The run being taken back had UID; UID + 1 is another run's, running now. */
const RUN = { isRunUid: (uid: number) => uid === UID, isPoolUid: isPool, account: null };

describe.skipIf(process.getuid?.() !== 0)("chownTree", () => {
  it("gives the folder and every entry in it to the uid, links themselves but never what they point to", async () => {
    expect(await chownTree(dir, UID, UID, { topMode: 0o750 })).toBe(1); // the hard link, left alone
    for (const entry of ["", "run.sh", "data", "data/deep", "data/deep/x.txt", "link-to-file", "data/link-to-folder", "fifo"]) {
      expect(owner(path.join(dir, entry)), entry || "the folder").toBe(UID);
    }
    expect(fs.statSync(dir).mode & 0o777).toBe(0o750);
    for (const entry of ["", "secret", "inner"]) expect(owner(path.join(outside, entry)), `outside/${entry}`).toBe(0);
    expect(owner(path.join(dir, "hard-link"))).toBe(0);
  });

  it("hands over entries whose names are not UTF-8 too (a Latin-1 name, or any bytes a job chose)", async () => {
    const latin1 = Buffer.concat([Buffer.from(`${dir}/data/`), Buffer.from("donn\xe9es", "latin1")]);
    const inside = Buffer.concat([latin1, Buffer.from("/r\xe9sultat.csv", "latin1")]);
    fs.mkdirSync(latin1);
    fs.writeFileSync(inside, "1,2\n");
    await chownTree(dir, UID, UID, { topMode: 0o750 });
    expect(fs.lstatSync(latin1).uid).toBe(UID);
    expect(fs.lstatSync(inside).uid).toBe(UID);
    await takeBack(dir, { uid: 0, gid: 0 }, RUN);
    expect(fs.lstatSync(inside).uid).toBe(0);
  });

  it("takes it back: owner and mode as before, still nothing outside touched", async () => {
    await chownTree(dir, UID, UID, { topMode: 0o700 });
    await takeBack(dir, { uid: 0, gid: 0 }, RUN);
    expect(owner(path.join(dir, "data", "deep", "x.txt"))).toBe(0);
    expect(fs.statSync(dir).mode & 0o777).toBe(0o755);
    expect(owner(path.join(outside, "secret"))).toBe(0);
  });

  it("takes back a pool uid's files with several names, set-ID bits gone; leaves another owner's hard links as they are", async () => {
    await chownTree(dir, UID, UID, { topMode: 0o750 });
    // What the run made: a set-ID program with two names in its folder, a third in the shared folder.
    const program = path.join(dir, "data", "prog");
    fs.writeFileSync(program, "#!/bin/sh\n");
    fs.chownSync(program, UID, UID);
    fs.chmodSync(program, 0o6775);
    fs.linkSync(program, path.join(dir, "prog-2"));
    fs.linkSync(program, path.join(outside, "prog-3"));
    // Another account's file with a name outside, set-user-ID (a Run_As owner's, linked from home).
    const theirs = path.join(outside, "theirs");
    fs.writeFileSync(theirs, "");
    fs.chownSync(theirs, 1234, 1234);
    fs.chmodSync(theirs, 0o4755);
    fs.linkSync(theirs, path.join(dir, "theirs"));
    await takeBack(dir, { uid: 0, gid: 0 }, RUN);
    const st = fs.lstatSync(program);
    expect({ uid: st.uid, gid: st.gid, mode: st.mode & 0o7777 }).toEqual({ uid: 0, gid: 0, mode: 0o755 }); // nor group write
    const other = fs.lstatSync(theirs);
    expect({ uid: other.uid, mode: other.mode & 0o7777 }).toEqual({ uid: 1234, mode: 0o4755 });
    expect(owner(path.join(dir, "hard-link"))).toBe(0); // root's secret, never the run's
  });

  it("removes the folder's name of another running run's file (another pool uid's), which stays that run's, untouched", async () => {
    await chownTree(dir, UID, UID, { topMode: 0o750 });
    // The other run's world-writable file in the shared folder, linked into this run's folder.
    const theirs = path.join(outside, "state");
    fs.writeFileSync(theirs, "the other run's\n");
    fs.chownSync(theirs, UID + 1, UID + 1);
    fs.chmodSync(theirs, 0o666);
    fs.linkSync(theirs, path.join(dir, "data", "stolen"));
    await takeBack(dir, { uid: 0, gid: 0 }, RUN);
    expect(fs.existsSync(path.join(dir, "data", "stolen"))).toBe(false);
    const st = fs.lstatSync(theirs);
    expect({ uid: st.uid, mode: st.mode & 0o7777, nlink: st.nlink, text: fs.readFileSync(theirs, "utf8") }).toEqual({ uid: UID + 1, mode: 0o666, nlink: 1, text: "the other run's\n" });
  });

  it("never leaves a set-group-ID bit on a file it hands over, even without group execute (which chown keeps)", async () => {
    const file = path.join(dir, "run.sh");
    fs.chmodSync(file, 0o2644);
    await chownTree(dir, UID, UID);
    expect(fs.lstatSync(file).mode & 0o7777).toBe(0o644);
  });

  it("takes back without group and other write, keeping every other bit; the hand-over keeps them (the dropper's own modes)", async () => {
    const file = path.join(dir, "run.sh");
    const folder = path.join(dir, "data");
    fs.chmodSync(file, 0o666);
    fs.chmodSync(folder, 0o1777);
    const modes = () => [file, folder].map((f) => (fs.lstatSync(f).mode & 0o7777).toString(8));
    await chownTree(dir, UID, UID, { topMode: 0o750 });
    expect(modes()).toEqual(["666", "1777"]);
    await takeBack(dir, { uid: 0, gid: 0 }, RUN);
    expect(modes()).toEqual(["644", "1755"]);
    expect(fs.statSync(path.join(outside, "secret")).mode & 0o777).toBe(0o644); // the hard link to it, left alone
  });

  it("a folder swapped for a symlink while it is walked is never walked into", async () => {
    // The folder's owner may still change it during the walk (it is theirs until handed
    // over): a loop swaps data/ for a symlink to outside/, whose files have the same names.
    for (let i = 0; i < 200; i++) {
      fs.writeFileSync(path.join(dir, "data", `f${i}`), "");
      fs.writeFileSync(path.join(outside, `f${i}`), "");
    }
    const swapper = spawn("sh", ["-c", `cd '${dir}' && while :; do mv data real && ln -s '${outside}' data && rm data && mv real data; done`], { stdio: "ignore" });
    try {
      for (let round = 0; round < 40; round++) {
        try {
          await chownTree(dir, UID + (round % 2), UID);
        } catch {
          // an entry gone in the middle of its own walk: tried again next round
        }
      }
    } finally {
      swapper.kill("SIGKILL");
      await new Promise((resolve) => swapper.once("exit", resolve));
    }
    const taken = fs.readdirSync(outside).filter((name) => owner(path.join(outside, name)) !== 0);
    expect(taken).toEqual([]);
    expect(owner(outside)).toBe(0);
  });

  it("refuses a folder that is itself a symlink", async () => {
    const link = path.join(root, "job-link");
    fs.symlinkSync(outside, link);
    await expect(chownTree(link, UID, UID)).rejects.toThrow(/ELOOP|ENOTDIR/);
    expect(owner(outside)).toBe(0);
  });

  it("lets the worker's other work run while it walks a large folder (a million files would hold it past the heartbeat)", async () => {
    for (let d = 0; d < 5; d++) {
      fs.mkdirSync(path.join(dir, `many${d}`));
      for (let f = 0; f < 1_000; f++) fs.writeFileSync(path.join(dir, `many${d}`, `f${f}`), "");
    }
    let turns = 0;
    const timer = setInterval(() => turns++, 0);
    try {
      await chownTree(dir, UID, UID);
    } finally {
      clearInterval(timer);
    }
    expect(turns).toBeGreaterThan(0);
    expect(owner(path.join(dir, "many4", "f999"))).toBe(UID);
  });
});
