/**
 * Building the C spawner: a real compiler on a copy of its source, and what happens on a
 * machine without one, or whose compiler cannot build it (the Perl spawner is used then).
 */
import { spawnSync } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { projectRoot } from "../lib/server/bootstrap";
import { buildSpawner, spawnerBinary } from "./build-spawner";

let root: string;
let logged: string[];
const log = (m: string) => logged.push(m);

beforeEach(() => {
  root = fs.mkdtempSync(path.join(os.tmpdir(), "qm-build-spawner-"));
  fs.mkdirSync(path.join(root, "worker/local"), { recursive: true });
  fs.copyFileSync(path.join(projectRoot, "worker/local/spawner.c"), path.join(root, "worker/local/spawner.c"));
  logged = [];
});
afterEach(() => fs.rmSync(root, { recursive: true, force: true }));

describe("buildSpawner", () => {
  it("compiles the spawner once, and again only when its source is newer", () => {
    const binary = buildSpawner(root, { log });
    expect(binary).toBe(spawnerBinary(root));
    expect(fs.statSync(binary!).mode & 0o111).not.toBe(0);
    // It runs: an empty input, and it exits at once.
    expect(spawnSync(binary!, [], { input: "", timeout: 5_000 }).status).toBe(0);
    const built = fs.statSync(binary!).mtimeMs;
    expect(buildSpawner(root, { log })).toBe(binary);
    expect(fs.statSync(binary!).mtimeMs).toBe(built);
    expect(logged).toEqual([]);
    const later = new Date(Date.now() + 5_000);
    fs.utimesSync(path.join(root, "worker/local/spawner.c"), later, later);
    buildSpawner(root, { log });
    expect(fs.statSync(binary!).mtimeMs).toBeGreaterThan(built);
  });

  it("without a compiler: nothing built, the stale binary removed, the reason logged", () => {
    fs.writeFileSync(spawnerBinary(root), "old");
    const later = new Date(Date.now() + 5_000);
    fs.utimesSync(path.join(root, "worker/local/spawner.c"), later, later);
    expect(buildSpawner(root, { cc: path.join(root, "no-such-cc"), log })).toBeNull();
    expect(fs.existsSync(spawnerBinary(root))).toBe(false);
    expect(logged.join("\n")).toMatch(/no C compiler .*no-such-cc.*Perl spawner/);
  });

  it("a compiler that fails (no C library headers, say): nothing built, its message logged", () => {
    fs.appendFileSync(path.join(root, "worker/local/spawner.c"), "\n#error this machine cannot build it\n");
    expect(buildSpawner(root, { log })).toBeNull();
    expect(fs.readdirSync(path.join(root, "worker/local"))).toEqual(["spawner.c"]);
    expect(logged.join("\n")).toMatch(/could not compile[\s\S]*this machine cannot build it[\s\S]*Perl spawner/);
  });
});
