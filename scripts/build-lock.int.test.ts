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

/**
 * A builder process: takes the lock, notes its start in trace.txt, "builds" until the test
 * creates `release` (so that the other builder surely meets the lock, however slowly tsx
 * starts on a busy machine), notes its end.
 */
function builder(name: string): { done: Promise<string>; output: () => string } {
  const code = `
    import fs from "node:fs";
    import { withBuildLock } from ${JSON.stringify(path.resolve("scripts/build-lock.ts"))};
    const trace = ${JSON.stringify(path.join(root, "trace.txt"))};
    const release = ${JSON.stringify(path.join(root, "release"))};
    withBuildLock(${JSON.stringify(root)}, (waited) => {
      fs.appendFileSync(trace, "start ${name} " + waited + "\\n");
      while (!fs.existsSync(release)) Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, 20);
      fs.appendFileSync(trace, "end ${name}\\n");
    });`;
  const child = spawn(process.execPath, [TSX, "--input-type=module", "-e", code], { stdio: ["ignore", "pipe", "inherit"] });
  let out = "";
  child.stdout.on("data", (d) => (out += d));
  const done = new Promise<string>((resolve, reject) => child.on("exit", (status) => (status === 0 ? resolve(out) : reject(new Error(`builder ${name} exited ${status}`)))));
  return { done, output: () => out };
}

const trace = () => (fs.existsSync(path.join(root, "trace.txt")) ? fs.readFileSync(path.join(root, "trace.txt"), "utf8") : "");

async function until(what: string, ok: () => boolean): Promise<void> {
  const end = Date.now() + 30_000;
  while (!ok()) {
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 20));
  }
}

describe("the build lock", () => {
  it("two builders in one checkout build one after the other; the second says whom it waits for and that it waited", async () => {
    const a = builder("a");
    await until("the first builder to hold the lock", () => trace().includes("start a"));
    const b = builder("b");
    await until("the second builder to say it waits", () => /waiting for the build/.test(b.output()));
    expect(trace()).toBe("start a false\n"); // b waits: it has not started
    fs.writeFileSync(path.join(root, "release"), "");
    await Promise.all([a.done, b.done]);
    expect(trace().trim().split("\n")).toEqual(["start a false", "end a", "start b true", "end b"]);
    expect(b.output()).toMatch(/^waiting for the build of process \d+ to finish/);
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
