/**
 * Names that are not UTF-8 (QM 0.4 ran on Python 2, whose names were bytes: a Latin-1
 * "donn\xe9es" from an older system), with a real worker, folders, processes and SQLite: a
 * job folder so named is renamed to its Latin-1 reading and runs; a data file so named
 * inside a job folder does not keep the job from being taken in, and is the run's while it
 * runs and the service's again after.
 */
import fs from "node:fs";
import path from "node:path";
import { afterEach, expect, it } from "vitest";
import { createTestEnv, type TestEnv, waitFor, waitForJob } from "./helpers";
import { type InProcessWorker, startWorker } from "./in-process";

let env: TestEnv;
let worker: InProcessWorker;
afterEach(async () => {
  await worker?.stop();
  await env?.cleanup();
});

const latin1 = (text: string) => Buffer.from(text, "latin1");
const under = (dir: string, ...names: Buffer[]) => Buffer.concat([Buffer.from(dir), ...names.flatMap((n) => [Buffer.from("/"), n])]);

it("a job folder whose name is Latin-1 is renamed to its Latin-1 reading, then runs", async () => {
  env = await createTestEnv();
  worker = await startWorker(env);
  // Copied in place, as `cp -r` from an old disk does: written inside QM_qJobs.
  const dropped = under(env.layout.queued, latin1("donn\xe9es"));
  fs.mkdirSync(dropped);
  fs.writeFileSync(under(env.layout.queued, latin1("donn\xe9es"), Buffer.from("proc_config.cfg")), "[QMOptions]\nscript = echo ran in $(basename \"$PWD\")\n");
  const row = await waitForJob(env, "données", ["done", "failed", "invalid"]);
  expect(row.state).toBe("done");
  expect(fs.readFileSync(path.join(env.layout.root, row.folder, "process.log"), "utf8")).toContain("ran in données");
  expect(fs.readdirSync(env.layout.queued)).toEqual([]);
  await waitFor("the rename in the log", () => worker.logs.some((l) => l.includes("QM_qJobs/donn\\xe9es renamed to données: its name was not UTF-8")));
});

it("a job folder holding a file whose name is Latin-1 is taken in; the file is the run's while it runs, the service's after", async () => {
  env = await createTestEnv();
  worker = await startWorker(env);
  const build = path.join(env.dir, "build", "accents");
  fs.mkdirSync(build, { recursive: true });
  fs.writeFileSync(under(build, latin1("r\xe9sultat.csv")), "1,2\n");
  // The job appends to it (it can only as the file's owner: 0644) and records who owns it.
  fs.writeFileSync(path.join(build, "proc_config.cfg"), "[QMOptions]\nscript = for f in r*.csv; do echo 3,4 >> \"$f\"; stat -c 'owner %u' \"$f\"; done\n");
  fs.renameSync(build, path.join(env.layout.queued, "accents"));
  const row = await waitForJob(env, "accents", ["done", "failed", "invalid"]);
  const log = fs.readFileSync(path.join(env.layout.root, row.folder, "process.log"), "utf8");
  expect(row.state, log).toBe("done");
  const file = under(path.join(env.layout.root, row.folder), latin1("r\xe9sultat.csv"));
  expect(fs.readFileSync(file, "utf8")).toBe("1,2\n3,4\n");
  if (process.getuid?.() === 0) {
    expect(Number(/owner (\d+)/.exec(log)?.[1])).toBeGreaterThan(0); // a pool uid while it ran
    expect(fs.lstatSync(file).uid).toBe(0); // handed back
  }
});
