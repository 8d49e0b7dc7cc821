/** Where a configured path really leads, against real links in a real folder. */
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { realPathOf } from "./real-path";

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
