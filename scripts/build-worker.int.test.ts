/**
 * `npm run build` while a worker runs (docs/deploy.md, Updating: build, then restart): the
 * worker's job spawner is a process running dist/worker/qm-spawner, and copying onto a
 * binary being run fails (ETXTBSY). The build replaces it instead; the running one goes on.
 */
import { type ChildProcess, spawn } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { projectRoot } from "../lib/server/bootstrap";
import { spawnerBinary } from "./build-spawner";
import { buildWorker } from "./build-worker";

let dir: string;
let running: ChildProcess | undefined;
afterEach(() => {
  running?.kill("SIGKILL");
  fs.rmSync(dir, { recursive: true, force: true });
});

describe.skipIf(!fs.existsSync(spawnerBinary(projectRoot)))("building the worker", () => {
  it("replaces a qm-spawner that a running worker is executing", { timeout: 60_000 }, async () => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), "qm-build-"));
    const spawner = path.join(dir, "qm-spawner");
    fs.copyFileSync("/bin/sleep", spawner);
    running = spawn(spawner, ["60"], { stdio: "ignore" });
    await new Promise((resolve, reject) => running!.once("spawn", resolve).once("error", reject));

    buildWorker(projectRoot, dir);

    expect(fs.readFileSync(spawner).equals(fs.readFileSync(spawnerBinary(projectRoot)))).toBe(true);
    expect(fs.statSync(spawner).mode & 0o111).not.toBe(0);
    expect(fs.readdirSync(dir).filter((name) => name.endsWith(".tmp"))).toEqual([]);
    expect(running.exitCode).toBeNull();
  });
});
