import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { type QmLayout, qmLayout } from "../qm-folders";
import { forgetRecentUsage, recentUsage } from "./recent-usage";

let root: string;
let layout: QmLayout;

/** A finished job's folder in QM_dJobs with `kb` KiB of data; returns its QM_FOLDER-relative path. */
function finishedFolder(name: string, kb: number): string {
  fs.mkdirSync(path.join(layout.done, name), { recursive: true });
  fs.writeFileSync(path.join(layout.done, name, "result.bin"), Buffer.alloc(kb * 1024, 1));
  return `QM_dJobs/${name}`;
}

beforeEach(() => {
  root = fs.mkdtempSync(path.join(os.tmpdir(), "qm-usage-"));
  layout = qmLayout(root);
  fs.mkdirSync(layout.lost, { recursive: true });
  forgetRecentUsage();
});

afterEach(() => fs.rmSync(root, { recursive: true, force: true }));

describe("recentUsage", () => {
  it("reuses a recent walk, and walks again when a folder is new, a pass ran, or time is up", async () => {
    const a = finishedFolder("a", 64);
    const first = await recentUsage(layout, [a], null);
    expect(first.byFolder.get(a)).toBeGreaterThanOrEqual(64 * 1024);

    // More data in a known folder: the recent walk still answers (that is the point).
    fs.writeFileSync(path.join(layout.done, "a", "more.bin"), Buffer.alloc(256 * 1024, 1));
    const again = await recentUsage(layout, [a], null);
    expect(again.measuredAt).toEqual(first.measuredAt);
    expect(again.totalBytes).toBe(first.totalBytes);

    // A finished folder the walk has not seen: walked again, the new data counted too.
    const b = finishedFolder("b", 64);
    const withB = await recentUsage(layout, [a, b], null);
    expect(withB.byFolder.has(b)).toBe(true);
    expect(withB.totalBytes).toBeGreaterThanOrEqual(first.totalBytes + 320 * 1024);

    // A retention pass since the walk: walked again.
    fs.rmSync(path.join(layout.done, "a"), { recursive: true });
    const afterPass = await recentUsage(layout, [b], new Date());
    expect(afterPass.byFolder.has(a)).toBe(false);

    // Past the reuse window (at least 30 s): walked again.
    fs.rmSync(path.join(layout.done, "b"), { recursive: true });
    expect((await recentUsage(layout, [], null)).byFolder.has(b)).toBe(true);
    expect((await recentUsage(layout, [], null, Date.now() + 31_000)).totalBytes).toBe(0);
  });

  it("lets asks made during a walk share it", async () => {
    const a = finishedFolder("a", 16);
    const [one, two] = await Promise.all([recentUsage(layout, [a], null), recentUsage(layout, [a], null)]);
    expect(two).toBe(one);
  });
});
