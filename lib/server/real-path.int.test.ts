/** Where a configured path really leads, and who could change that, against real links and owners in a real folder. */
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { realPathOf, trustedUids, walkPath } from "./real-path";

let dir: string;
beforeEach(() => {
  dir = fs.realpathSync(fs.mkdtempSync(path.join(os.tmpdir(), "qm-real-path-")));
});
afterEach(() => fs.rmSync(dir, { recursive: true, force: true }));

describe("realPathOf", () => {
  it("follows links anywhere on the way, absolute or relative, and keeps what does not exist yet as written", () => {
    fs.mkdirSync(path.join(dir, "disk", "qm"), { recursive: true });
    fs.symlinkSync("/etc", path.join(dir, "archive"));
    fs.symlinkSync("disk/qm", path.join(dir, "relative"));
    fs.symlinkSync(path.join(dir, "relative"), path.join(dir, "chain"));
    expect(realPathOf(path.join(dir, "archive"))).toBe("/etc");
    expect(realPathOf(path.join(dir, "archive", "qm", "new"))).toBe("/etc/qm/new");
    expect(realPathOf(path.join(dir, "chain", "later"))).toBe(path.join(dir, "disk", "qm", "later"));
    expect(realPathOf(`${dir}/relative/../..`)).toBe(dir); // .. from where the link leads
    expect(realPathOf(path.join(dir, "not-yet", "archive"))).toBe(path.join(dir, "not-yet", "archive"));
  });

  it("follows a link that points at nothing yet (the retention pass would create its target)", () => {
    fs.symlinkSync("/etc/qm-archive-that-is-not-there", path.join(dir, "dangling"));
    expect(realPathOf(path.join(dir, "dangling"))).toBe("/etc/qm-archive-that-is-not-there");
  });

  it("ends on a loop of links without hanging", () => {
    fs.symlinkSync("b", path.join(dir, "a"));
    fs.symlinkSync("a", path.join(dir, "b"));
    expect(typeof realPathOf(path.join(dir, "a"))).toBe("string");
  });
});

/** Made as root and given to another account: a lab user's folder. */
const OTHER = 61234;

/** Who besides root (and this process's account) could change where `p` leads. */
const openToOthers = (p: string, trusted = trustedUids()) => walkPath(p, trusted).openTo;

describe.runIf(process.geteuid?.() === 0)("walkPath: who besides root could change where a path leads", () => {
  const mk = (rel: string, mode = 0o755, uid = 0, gid = 0) => {
    const p = path.join(dir, rel);
    fs.mkdirSync(p, { recursive: true });
    fs.chownSync(p, uid, gid);
    fs.chmodSync(p, mode);
    return p;
  };

  it("nobody on a path of root's folders, written by root alone (the test's folder sits in /tmp, sticky, and is root's)", () => {
    mk("srv/qm-archive");
    expect(openToOthers(path.join(dir, "srv", "qm-archive"))).toBeNull();
    expect(openToOthers(path.join(dir, "srv", "not-yet", "archive"))).toBeNull(); // root will make it, in a folder of root's
    mk("shared", 0o775, 0, 0); // root's group: root alone
    expect(openToOthers(path.join(dir, "shared"))).toBeNull();
  });

  it("names the folder of another account on the way, also when a link of root's leads there", () => {
    mk("home-alice", 0o755, OTHER, OTHER);
    mk("home-alice/archive");
    fs.symlinkSync(path.join(dir, "home-alice", "archive"), path.join(dir, "archive-link"));
    expect(openToOthers(path.join(dir, "home-alice", "archive"))).toBe(`${dir}/home-alice belongs to uid ${OTHER}`);
    expect(openToOthers(path.join(dir, "archive-link"))).toBe(`${dir}/home-alice belongs to uid ${OTHER}`);
    expect(realPathOf(path.join(dir, "archive-link"))).toBe(path.join(dir, "home-alice", "archive"));
  });

  it("judges for the account that moves: its own folders are trusted, another account's folders only by that account", () => {
    mk("qm-owned", 0o755, OTHER, OTHER);
    // The service account (a web server running as qm) judging for a worker that also runs as qm...
    expect(openToOthers(path.join(dir, "qm-owned"), new Set([0, OTHER]))).toBeNull();
    // ...and for a root worker: root alone.
    expect(openToOthers(path.join(dir, "qm-owned"), trustedUids(true))).toBe(`${dir}/qm-owned belongs to uid ${OTHER}`);
  });

  it("names a folder its group or everyone may write in, and the archive folder itself", () => {
    mk("group", 0o775, 0, OTHER);
    mk("group/archive");
    expect(openToOthers(path.join(dir, "group", "archive"))).toBe(`${dir}/group is writable by its group (gid ${OTHER})`);
    mk("open", 0o777);
    expect(openToOthers(path.join(dir, "open", "archive"))).toBe(`${dir}/open is writable by everyone`);
    mk("theirs", 0o755, OTHER, OTHER);
    expect(openToOthers(path.join(dir, "theirs"))).toBe(`${dir}/theirs belongs to uid ${OTHER}`);
    // A sticky folder everyone writes in is no archive: anyone may take the names the pass makes there.
    mk("tmp-like", 0o1777);
    expect(openToOthers(path.join(dir, "tmp-like"))).toBe(`${dir}/tmp-like is writable by everyone`);
  });

  it("in a sticky folder everyone may write in (/tmp), the entry must be root's and already there", () => {
    mk("tmp", 0o1777);
    mk("tmp/roots-archive");
    mk("tmp/their-archive", 0o755, OTHER, OTHER);
    fs.symlinkSync("/etc", path.join(dir, "tmp", "their-link"));
    fs.lchownSync(path.join(dir, "tmp", "their-link"), OTHER, OTHER);
    expect(openToOthers(path.join(dir, "tmp", "roots-archive"))).toBeNull();
    expect(openToOthers(path.join(dir, "tmp", "their-archive"))).toBe(`${dir}/tmp/their-archive belongs to uid ${OTHER} in ${dir}/tmp, a folder everyone may write in`);
    expect(openToOthers(path.join(dir, "tmp", "their-link"))).toBe(`${dir}/tmp/their-link belongs to uid ${OTHER} in ${dir}/tmp, a folder everyone may write in`);
    expect(openToOthers(path.join(dir, "tmp", "qm-archive"))).toBe(`${dir}/tmp/qm-archive is not there yet, and anyone may create it first in ${dir}/tmp, a folder everyone may write in`);
  });
});
