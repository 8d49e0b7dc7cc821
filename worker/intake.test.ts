import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { lastChangeMs } from "../lib/server/tree-change";

let dir: string;
afterEach(() => fs.rmSync(dir, { recursive: true, force: true }));

describe("lastChangeMs (the folder-drop readiness rule)", () => {
  it("counts ctimes inside the tree, which `cp -a` cannot set back", async () => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), "qm-intake-"));
    fs.mkdirSync(path.join(dir, "sub"));
    const file = path.join(dir, "sub", "data.bin");
    fs.writeFileSync(file, "x");
    const old = new Date("2020-01-01T00:00:00Z");
    fs.utimesSync(file, old, old);
    fs.utimesSync(path.join(dir, "sub"), old, old);
    fs.utimesSync(dir, old, old);
    expect(await lastChangeMs(dir)).toBeGreaterThanOrEqual(fs.statSync(file).ctimeMs);
    expect(await lastChangeMs(dir)).toBeGreaterThan(old.getTime());
  });
});
