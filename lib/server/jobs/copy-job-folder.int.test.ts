/** Element copies of a job folder on a real filesystem: independent files, links kept, modes kept, space checked. */
import { spawn } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { checkFreeSpace, copyJobFolder, folderSize } from "./copy-job-folder";

let dir: string;
// The swapper's last mv or ln (a child of the killed shell) may still land an entry: retried.
afterEach(() => fs.rmSync(dir, { recursive: true, force: true, maxRetries: 5, retryDelay: 50 }));

describe("copyJobFolder", () => {
  it("never copies through a file or folder swapped for a symlink while it copies (its dropper may do so)", async () => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), "qm-copy-"));
    const src = path.join(dir, "job");
    const secret = path.join(dir, "secret");
    fs.mkdirSync(path.join(secret, "sub"), { recursive: true });
    for (const name of ["a", "b"]) fs.writeFileSync(path.join(secret, name), "SECRET\n");
    fs.mkdirSync(path.join(src, "data"), { recursive: true });
    for (let i = 0; i < 200; i++) fs.writeFileSync(path.join(src, `f${i}`), "mine\n");
    for (const name of ["a", "b"]) fs.writeFileSync(path.join(src, "data", name), "mine\n");
    // The file f7 and the folder data swapped for symlinks to the secret ones, in a loop.
    const swapper = spawn("sh", ["-c", `cd '${src}' && while :; do mv f7 g7 && ln -s '${secret}/a' f7 && rm -f f7 && mv g7 f7; mv data real && ln -s '${secret}' data && rm -f data && mv real data; done`], { stdio: "ignore" });
    const leaked: string[] = [];
    try {
      for (let round = 0; round < 40; round++) {
        const copy = path.join(dir, `copy-${round}`);
        try {
          await copyJobFolder(src, copy, { keepTimes: round % 2 === 1 });
        } catch {
          // an entry moving under it may fail a round; none may copy the secret
        }
        const walk = (d: string): void => {
          for (const e of fs.existsSync(d) ? fs.readdirSync(d, { withFileTypes: true }) : []) {
            const full = path.join(d, e.name);
            if (e.isDirectory()) walk(full);
            else if (e.isFile() && fs.readFileSync(full, "utf8") === "SECRET\n") leaked.push(full);
          }
        };
        walk(copy);
      }
    } finally {
      swapper.kill("SIGKILL");
      await new Promise((resolve) => swapper.once("exit", resolve));
    }
    expect(leaked).toEqual([]);
  });

  it("makes a copy whose files are its own, keeps modes and recreates links as they are", async () => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), "qm-copy-"));
    const src = path.join(dir, "job");
    fs.mkdirSync(path.join(src, "data/deep"), { recursive: true });
    fs.writeFileSync(path.join(src, "run.sh"), "echo hi\n", { mode: 0o755 });
    fs.writeFileSync(path.join(src, "data/deep/input.csv"), "x\n1\n");
    fs.writeFileSync(path.join(dir, "shared.bin"), "big shared input");
    fs.symlinkSync(path.join(dir, "shared.bin"), path.join(src, "shared"));
    fs.symlinkSync("data/deep/input.csv", path.join(src, "alias.csv"));

    await copyJobFolder(src, path.join(dir, "copy"));
    const copy = path.join(dir, "copy");
    expect(fs.statSync(path.join(copy, "run.sh")).mode & 0o777).toBe(0o755);
    expect(fs.readlinkSync(path.join(copy, "shared"))).toBe(path.join(dir, "shared.bin"));
    expect(fs.readFileSync(path.join(copy, "alias.csv"), "utf8")).toBe("x\n1\n");
    // Writing into the copy's file in place leaves the original alone (no hard link).
    fs.appendFileSync(path.join(copy, "data/deep/input.csv"), "2\n");
    expect(fs.readFileSync(path.join(src, "data/deep/input.csv"), "utf8")).toBe("x\n1\n");
    expect(fs.statSync(path.join(copy, "data/deep/input.csv")).ino).not.toBe(fs.statSync(path.join(src, "data/deep/input.csv")).ino);
    // Links are not counted: they cost nothing per element.
    expect((await folderSize(src)).bytes).toBe(8 + 4);
    await expect(copyJobFolder(src, copy)).rejects.toThrow(/EEXIST/);
  });

  it("never makes a set-user-ID or set-group-ID copy: root's copy of a dropper's setuid program would run as root", async () => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), "qm-copy-"));
    const src = path.join(dir, "job");
    fs.mkdirSync(path.join(src, "bin"), { recursive: true });
    fs.copyFileSync("/bin/true", path.join(src, "bin/escalate"));
    fs.chmodSync(path.join(src, "bin/escalate"), 0o6755);
    fs.chmodSync(path.join(src, "bin"), 0o2775);
    fs.chownSync(path.join(src, "bin/escalate"), 65534, 65534); // a lab member's, as dropped

    await copyJobFolder(src, path.join(dir, "copy"));

    const copied = fs.statSync(path.join(dir, "copy/bin/escalate"));
    expect(copied.uid).toBe(process.getuid!()); // root's copy (an array element before its run)...
    expect(copied.mode & 0o7777).toBe(0o755); // ...with no set-ID bit
    expect(fs.statSync(path.join(dir, "copy/bin")).mode & 0o7777).toBe(0o775);
  });

  it("copies and counts entries whose names are not UTF-8 (a Latin-1 name from an older system)", async () => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), "qm-copy-"));
    const src = path.join(dir, "job");
    const latin1 = Buffer.from("donn\xe9es", "latin1");
    fs.mkdirSync(Buffer.concat([Buffer.from(`${src}/`), latin1]), { recursive: true });
    fs.writeFileSync(Buffer.concat([Buffer.from(`${src}/`), latin1, Buffer.from("/r\xe9sultat.csv", "latin1")]), "1,2\n");
    expect(await folderSize(src)).toEqual({ bytes: 4, entries: 2 });
    await copyJobFolder(src, path.join(dir, "copy"));
    const copied = Buffer.concat([Buffer.from(`${dir}/copy/`), latin1, Buffer.from("/r\xe9sultat.csv", "latin1")]);
    expect(fs.readFileSync(copied, "utf8")).toBe("1,2\n");
  });

  it("refuses a copy that would fill the disk, saying how large it is", () => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), "qm-copy-"));
    expect(() => checkFreeSpace(dir, 1024, 20)).not.toThrow();
    const { bavail, bsize } = fs.statfsSync(dir);
    expect(() => checkFreeSpace(dir, bavail * bsize, 20)).toThrow(/The array needs a copy of its .* folder for each of its 20 elements, but only .* is free on the disk of QM_FOLDER/);
  });
});
