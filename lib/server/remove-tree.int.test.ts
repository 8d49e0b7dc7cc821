/** removeTree: a job folder goes, whatever its entries are or become meanwhile; nothing outside it does. */
import { execFileSync, spawn } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { afterEach, beforeEach, expect, it } from "vitest";
import { removeTree } from "./remove-tree";

let root: string;
let dir: string;
let outside: string;
beforeEach(() => {
  root = fs.mkdtempSync(path.join(os.tmpdir(), "qm-remove-"));
  dir = path.join(root, "job");
  outside = path.join(root, "outside");
  fs.mkdirSync(path.join(outside, "inner"), { recursive: true });
  fs.writeFileSync(path.join(outside, "keep.txt"), "keep\n");
  fs.mkdirSync(path.join(dir, "data", "deep"), { recursive: true });
  fs.writeFileSync(path.join(dir, "data", "deep", "x.txt"), "x\n");
  fs.symlinkSync(outside, path.join(dir, "link-to-folder"));
  fs.symlinkSync(path.join(outside, "keep.txt"), path.join(dir, "link-to-file"));
  fs.linkSync(path.join(outside, "keep.txt"), path.join(dir, "hard-link"));
  execFileSync("mkfifo", [path.join(dir, "fifo")]);
});
afterEach(() => fs.rmSync(root, { recursive: true, force: true }));

it("removes the folder, its links as names, and nothing they point to", async () => {
  await removeTree(dir);
  expect(fs.existsSync(dir)).toBe(false);
  expect(fs.readdirSync(outside).sort()).toEqual(["inner", "keep.txt"]);
  expect(fs.readFileSync(path.join(outside, "keep.txt"), "utf8")).toBe("keep\n");
});

it("a missing folder is nothing to do; a symlink in its place is removed, not followed", async () => {
  await removeTree(path.join(root, "missing"));
  const link = path.join(root, "job-link");
  fs.symlinkSync(outside, link);
  await removeTree(link);
  expect(fs.existsSync(link)).toBe(false);
  expect(fs.readdirSync(outside).sort()).toEqual(["inner", "keep.txt"]);
});

it("a folder swapped for a symlink while it is removed is never entered", async () => {
  // Its dropper may have a shell inside it: a loop swaps data/ for a symlink to outside/,
  // whose files have the same names as data/'s, while the folder is removed.
  const names = Array.from({ length: 300 }, (_, i) => `f${i}`);
  for (const name of names) fs.writeFileSync(path.join(outside, name), "");
  for (let round = 0; round < 20; round++) {
    const job = path.join(root, `round-${round}`);
    fs.mkdirSync(path.join(job, "data"), { recursive: true });
    for (const name of names) fs.writeFileSync(path.join(job, "data", name), "");
    const swapper = spawn("sh", ["-c", `cd '${job}' && while :; do mv data real 2>/dev/null && ln -s '${outside}' data && rm -f data && mv real data; done`], { stdio: "ignore" });
    await new Promise((resolve) => setTimeout(resolve, 5));
    try {
      await removeTree(job).catch(() => undefined); // an entry moving under it may make a round fail; none may reach outside
    } finally {
      swapper.kill("SIGKILL");
      await new Promise((resolve) => swapper.once("exit", resolve));
    }
  }
  expect(names.filter((name) => !fs.existsSync(path.join(outside, name)))).toEqual([]);
  expect(fs.readFileSync(path.join(outside, "keep.txt"), "utf8")).toBe("keep\n");
});

it("removes entries whose names are not UTF-8 (a Latin-1 name, or any bytes a job chose)", async () => {
  const name = (text: string) => Buffer.concat([Buffer.from(`${dir}/`), Buffer.from(text, "latin1")]);
  fs.mkdirSync(name("donn\xe9es"));
  fs.writeFileSync(Buffer.concat([name("donn\xe9es"), Buffer.from("/\xff\xfe", "latin1")]), "x");
  fs.symlinkSync(outside, name("lien-\xe9"));
  await removeTree(dir);
  expect(fs.existsSync(dir)).toBe(false);
  expect(fs.readdirSync(outside).sort()).toEqual(["inner", "keep.txt"]);
});
