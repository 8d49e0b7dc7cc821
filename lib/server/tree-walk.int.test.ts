/** A tree far deeper than a walk may hold descriptors for: walked whole, within KEEP_OPEN open folders, and never led elsewhere. */
import { execFileSync } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { DIR_FLAGS } from "./open-beneath";
import { removeTree } from "./remove-tree";
import { KEEP_OPEN, walkTree } from "./tree-walk";

const DEPTH = 3 * KEEP_OPEN + 17;
let root: string;
beforeEach(() => {
  root = fs.mkdtempSync(path.join(os.tmpdir(), "qm-walk-"));
});
afterEach(() => fs.rmSync(root, { recursive: true, force: true }));

/** `depth` folders d/d/d/... under `dir`, each with a file, made as a job would (relative steps, past PATH_MAX). */
function deepTree(dir: string, depth: number) {
  fs.mkdirSync(dir);
  execFileSync("python3", ["-c", `import os\nfor i in range(${depth}):\n  open("f", "w").write(str(i))\n  os.mkdir("d")\n  os.chdir("d")\nopen("bottom", "w").write("end")`], { cwd: dir });
}

const openDescriptors = () => fs.readdirSync("/proc/self/fd").length;

describe("walkTree", () => {
  it("walks every level of a tree deeper than KEEP_OPEN with at most KEEP_OPEN folders open besides the top", async () => {
    const dir = path.join(root, "deep");
    deepTree(dir, DEPTH);
    const before = openDescriptors();
    let most = 0;
    let files = 0;
    let folders = 0;
    const left: string[] = [];
    const top = fs.openSync(dir, DIR_FLAGS);
    try {
      await walkTree(top, {
        entry(_parent, _name, _fd, st) {
          most = Math.max(most, openDescriptors() - before);
          if (st.isDirectory()) folders++;
          else files++;
          return true;
        },
        left: (_parent, name) => left.push(name.toString()),
      });
    } finally {
      fs.closeSync(top);
    }
    expect([folders, files]).toEqual([DEPTH, DEPTH + 1]);
    expect(left).toHaveLength(DEPTH);
    // The top, the entry being looked at, KEEP_OPEN folders, and /proc/self/fd's own listing.
    expect(most).toBeLessThanOrEqual(KEEP_OPEN + 3);
    expect(openDescriptors()).toBe(before);
  });

  it("stops, closing what it opened, when a folder it closed was moved meanwhile", async () => {
    const dir = path.join(root, "deep");
    deepTree(dir, 2 * KEEP_OPEN);
    const elsewhere = path.join(root, "elsewhere");
    fs.mkdirSync(elsewhere);
    const before = openDescriptors();
    const top = fs.openSync(dir, DIR_FLAGS);
    let seen = 0;
    try {
      const walk = walkTree(top, {
        entry(_parent, name) {
          // Once deep enough that the first level's folder is closed, it is moved out of the tree.
          if (++seen === 2 * KEEP_OPEN && name.toString() === "d") fs.renameSync(path.join(dir, "d", "d"), path.join(elsewhere, "d"));
          return true;
        },
      });
      await expect(walk).rejects.toMatchObject({ code: "CHANGED" });
    } finally {
      fs.closeSync(top);
    }
    expect(openDescriptors()).toBe(before);
  });
});

describe("removeTree", () => {
  it("removes a tree deeper than KEEP_OPEN", async () => {
    const dir = path.join(root, "deep");
    deepTree(dir, DEPTH);
    await removeTree(dir);
    expect(fs.readdirSync(root)).toEqual([]);
  });
});
