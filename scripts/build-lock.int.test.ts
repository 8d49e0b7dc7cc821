/**
 * The build lock (scripts/build-lock.ts) with real processes: two builders in one checkout
 * run one after the other, the second saying whom it waits for; a lock left by a killed
 * builder is taken over at once.
 */
import { spawn, spawnSync } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { withBuildLock } from "./build-lock";

let root: string;
beforeEach(() => {
  root = fs.mkdtempSync(path.join(os.tmpdir(), "qm-build-lock-"));
});
afterEach(() => fs.rmSync(root, { recursive: true, force: true }));

const TSX = path.resolve("node_modules/tsx/dist/cli.mjs");

/** A builder process: takes the lock, notes its start and end in trace.txt around a 600 ms "build". */
function builder(name: string): Promise<string> {
  const code = `
    import fs from "node:fs";
    import { withBuildLock } from ${JSON.stringify(path.resolve("scripts/build-lock.ts"))};
    const trace = ${JSON.stringify(path.join(root, "trace.txt"))};
    withBuildLock(${JSON.stringify(root)}, (waited) => {
      fs.appendFileSync(trace, "start ${name} " + waited + "\\n");
      Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, 600);
      fs.appendFileSync(trace, "end ${name}\\n");
    });`;
  const child = spawn(process.execPath, [TSX, "--input-type=module", "-e", code], { stdio: ["ignore", "pipe", "inherit"] });
  let out = "";
  child.stdout.on("data", (d) => (out += d));
  return new Promise((resolve, reject) => child.on("exit", (status) => (status === 0 ? resolve(out) : reject(new Error(`builder ${name} exited ${status}`)))));
}

describe("the build lock", () => {
  it("two builders in one checkout build one after the other; the second says whom it waits for and that it waited", async () => {
    const first = builder("a");
    await new Promise((r) => setTimeout(r, 150));
    const [, outB] = await Promise.all([first, builder("b")]);
    // tsx may be slow to start a child: whichever took the lock first, the two must not overlap.
    const lines = fs.readFileSync(path.join(root, "trace.txt"), "utf8").trim().split("\n");
    expect(lines).toHaveLength(4);
    const [x, y] = [lines[0].split(" ")[1], lines[2].split(" ")[1]];
    expect(lines).toEqual([`start ${x} false`, `end ${x}`, `start ${y} true`, `end ${y}`]);
    if (y === "b") expect(outB).toMatch(/^waiting for the build of process \d+ to finish/);
    expect(fs.existsSync(path.join(root, "dist/.build-lock"))).toBe(false);
  });

  it("a lock whose builder is gone is taken over without waiting", () => {
    const gone = spawnSync("true").pid!;
    fs.mkdirSync(path.join(root, "dist"));
    fs.writeFileSync(path.join(root, "dist/.build-lock"), String(gone));
    const said: string[] = [];
    expect(withBuildLock(root, (waited) => waited, { say: (l) => said.push(l) })).toBe(false);
    expect(said).toEqual([]);
    expect(fs.existsSync(path.join(root, "dist/.build-lock"))).toBe(false);
  });

  it("a build that throws leaves no lock behind", () => {
    expect(() => withBuildLock(root, () => { throw new Error("next build failed"); })).toThrow("next build failed");
    expect(fs.existsSync(path.join(root, "dist/.build-lock"))).toBe(false);
  });
});
