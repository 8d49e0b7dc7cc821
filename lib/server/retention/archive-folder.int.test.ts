/**
 * Archive_Folder on another disk than QM_FOLDER (here /dev/shm, a tmpfs, against the
 * project's disk): the folder is copied, then removed. It may be its owner's to change
 * meanwhile, and root copies it.
 */
import { execFileSync, spawn } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { archiveFolder } from "./apply-retention";

const dirs: string[] = [];
const tempDir = (parent: string) => {
  const d = fs.mkdtempSync(path.join(parent, "qm-archive-"));
  dirs.push(d);
  return d;
};
afterEach(() => {
  for (const d of dirs.splice(0)) fs.rmSync(d, { recursive: true, force: true });
});

const otherDisk = fs.statSync("/dev/shm").dev !== fs.statSync(os.tmpdir()).dev;

/** Every regular file below `dir` (links not followed: a link copied as a link leaks nothing), by its path relative to `dir`, with its content. */
function contents(dir: string, rel = ""): Record<string, string> {
  const out: Record<string, string> = {};
  for (const e of fs.readdirSync(path.join(dir, rel), { withFileTypes: true })) {
    const at = path.join(rel, e.name);
    if (e.isDirectory()) Object.assign(out, contents(dir, at));
    else if (e.isFile()) out[at] = fs.readFileSync(path.join(dir, at), "utf8");
  }
  return out;
}

describe.runIf(otherDisk)("archiveFolder across disks", () => {
  it("copies the folder with its times and links as they are, then removes it", async () => {
    const source = path.join(tempDir(os.tmpdir()), "20261101-job");
    fs.mkdirSync(path.join(source, "results/deep"), { recursive: true });
    fs.writeFileSync(path.join(source, "process.log"), "processing 3 / 3\n");
    fs.writeFileSync(path.join(source, "results/deep/table.csv"), "a,b\n1,2\n");
    fs.symlinkSync("/data/shared/input.h5", path.join(source, "input.h5"));
    const old = new Date("2026-11-01T10:00:00Z");
    for (const rel of ["process.log", "results/deep/table.csv", "results/deep", "results", "."]) fs.utimesSync(path.join(source, rel), old, old);
    const archive = path.join(tempDir("/dev/shm"), "archive");

    const target = await archiveFolder(source, archive);

    expect(target).toBe(path.join(archive, "20261101-job"));
    expect(fs.existsSync(source)).toBe(false);
    expect(contents(target)).toEqual({ "process.log": "processing 3 / 3\n", "results/deep/table.csv": "a,b\n1,2\n" });
    expect(fs.readlinkSync(path.join(target, "input.h5"))).toBe("/data/shared/input.h5");
    for (const rel of ["process.log", "results/deep/table.csv", "results/deep", "results", "."]) expect(fs.statSync(path.join(target, rel)).mtime).toEqual(old);
    expect(fs.readdirSync(archive)).toEqual(["20261101-job"]); // no partial copy left
  });

  it("keeps each entry's owner and group, as a rename on one disk would (not root's), and no set-ID bit", async () => {
    const source = path.join(tempDir(os.tmpdir()), "20261101-job");
    fs.mkdirSync(path.join(source, "results"), { recursive: true });
    fs.writeFileSync(path.join(source, "process.log"), "done\n");
    fs.writeFileSync(path.join(source, "results/table.csv"), "a\n", { mode: 0o640 });
    fs.copyFileSync("/bin/true", path.join(source, "results/tool"));
    fs.chmodSync(path.join(source, "results/tool"), 0o4755);
    fs.symlinkSync("table.csv", path.join(source, "results/latest.csv"));
    // The service's account (QM_FOLDER's owner) after the run, and a file the run's uid kept (a hard link takeBack left alone).
    for (const rel of [".", "results", "process.log", "results/table.csv", "results/latest.csv"]) fs.lchownSync(path.join(source, rel), 1000, 1000);
    fs.chownSync(path.join(source, "results/tool"), 61001, 61001);
    fs.chmodSync(path.join(source, "results/tool"), 0o4755); // chown took the bit off; the run's uid may set it again
    fs.chmodSync(source, 0o755);
    const archive = path.join(tempDir("/dev/shm"), "archive");

    const target = await archiveFolder(source, archive);

    const owner = (rel: string) => {
      const st = fs.lstatSync(path.join(target, rel));
      return [st.uid, st.gid, st.isSymbolicLink() ? "link" : (st.mode & 0o7777).toString(8)];
    };
    expect(owner(".")).toEqual([1000, 1000, "755"]);
    expect(owner("results/table.csv")).toEqual([1000, 1000, "640"]);
    expect(owner("results/latest.csv")).toEqual([1000, 1000, "link"]);
    expect(owner("results/tool")).toEqual([61001, 61001, "755"]);
  });

  it("never copies through a folder its owner swaps for a symlink while it is archived", async () => {
    const home = tempDir(os.tmpdir());
    const secret = path.join(home, "secret");
    fs.mkdirSync(secret);
    for (let i = 0; i < 20; i++) fs.writeFileSync(path.join(secret, `s${i}`), "SECRET\n");
    const source = path.join(home, "job");
    const archive = path.join(tempDir("/dev/shm"), "archive");
    // The folder `data` swapped for a link to the secret one and back, in a loop; the job
    // folder itself comes and goes (each round archives a new one).
    const swapper = spawn("perl", ["-e", 'my ($s, $x) = @ARGV; while (1) { rename("$s/data", "$s/real") or next; symlink($x, "$s/data"); unlink("$s/data"); rename("$s/real", "$s/data"); select(undef, undef, undef, 0.0002) }', source, secret], { stdio: "ignore" });
    const leaked: string[] = [];
    let copiedFromData = 0;
    try {
      for (let round = 0; round < 40; round++) {
        // Written aside, then renamed into place whole, as a job's folder is there when it ends.
        const next = path.join(home, "next");
        fs.mkdirSync(path.join(next, "data"), { recursive: true });
        for (let i = 0; i < 50; i++) fs.writeFileSync(path.join(next, "data", `f${i}`), "mine\n");
        for (let i = 0; i < 100; i++) fs.writeFileSync(path.join(next, `g${i}`), "mine\n");
        fs.renameSync(next, source);
        try {
          await archiveFolder(source, archive);
        } catch {
          // a folder moving under the copy may fail a round; none may copy the secret
        }
        // Looked at after every round: a failed round's partial copy is removed by the next.
        for (const [rel, text] of Object.entries(contents(archive))) {
          if (text === "SECRET\n") leaked.push(rel);
          // The folder is copied under whichever of its two names it had when reached.
          else if (/\/(data|real)\//.test(rel)) copiedFromData += 1;
        }
        // What a failed round left, out of the swapper's way first.
        if (fs.existsSync(source)) fs.renameSync(source, path.join(home, `left-${round}`));
      }
    } finally {
      swapper.kill("SIGKILL");
      await new Promise((resolve) => swapper.once("exit", resolve));
    }
    expect(leaked).toEqual([]);
    expect(copiedFromData).toBeGreaterThan(0); // the copies did go into the folder being swapped
  });
});

describe("archiveFolder to a disk too small for it", () => {
  // The archive on a 1 MB tmpfs (mounting needs root), a folder of three 600 KB files.
  it.skipIf(process.getuid?.() !== 0)("leaves no partial copy on the archive's disk and the folder where it was", async (test) => {
    const archive = tempDir(os.tmpdir());
    try {
      execFileSync("mount", ["-t", "tmpfs", "-o", "size=1m", "tmpfs", archive], { stdio: "pipe" });
    } catch {
      return test.skip();
    }
    try {
      const source = path.join(tempDir(os.tmpdir()), "20261101-big");
      fs.mkdirSync(source);
      for (const name of ["a.bin", "b.bin", "c.bin"]) fs.writeFileSync(path.join(source, name), Buffer.alloc(600 * 1024, 7));
      await expect(archiveFolder(source, archive)).rejects.toMatchObject({ code: "ENOSPC" });
      expect(fs.readdirSync(archive)).toEqual([]); // was [".20261101-big.partial"] holding a.bin
      expect(fs.readdirSync(source).sort()).toEqual(["a.bin", "b.bin", "c.bin"]);
    } finally {
      execFileSync("umount", ["-l", archive]);
    }
  });
});
