/**
 * A QM_FOLDER under a folder the jobs' uids cannot pass (a `mktemp -d`, a home folder of
 * mode 700) lets `sh run.sh` run but fails `python3 process.py`, which opens its script by
 * its full path ("Permission denied"): the worker says so at start as a warning, which
 * `journalctl -p warning` shows, not as an info line among the others.
 */
import fs from "node:fs";
import { afterEach, describe, expect, it } from "vitest";
import { type LogLine, createLogger } from "../../lib/server/logger";
import { createWorker, type Worker } from "../create-worker";
import { createTestEnv, type TestEnv } from "./helpers";

let env: TestEnv | undefined;
let worker: Worker | undefined;
afterEach(async () => {
  await worker?.stop();
  if (env) fs.chmodSync(env.dir, 0o755);
  await env?.cleanup();
});

describe.skipIf(process.getuid?.() !== 0)("a QM_FOLDER the jobs cannot reach", () => {
  it("is a warning of the worker's start", async () => {
    env = await createTestEnv();
    fs.chmodSync(env.dir, 0o700);
    const lines: LogLine[] = [];
    worker = createWorker({ configPath: env.configPath, databaseUrl: env.databaseUrl, log: createLogger((line) => lines.push(line)), heartbeatMs: 60_000 });
    // Said as the executor is built, once the worker holds its lock.
    await worker.start();
    const said = lines.filter((line) => line.message.includes("cannot reach QM_Jobs"));
    expect(said.map((line) => line.level)).toEqual(["warn"]);
    expect(said[0].message).toContain(`${env.dir} lack the search permission for others (chmod o+x)`);
  });
});
