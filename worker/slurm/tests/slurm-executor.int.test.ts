/**
 * The Slurm executor on its own, against a real single-node Slurm started by this file:
 * finding runs again after a restart (find), cancelling what no row claims (sweep), and
 * the start-up check that QM_FOLDER is shared with the nodes.
 */
import { execFileSync } from "node:child_process";
import { randomBytes } from "node:crypto";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Executor, LaunchSpec } from "../../executor";
import { createTestEnv, type TestEnv, waitFor } from "../../tests/helpers";
import { createWorker } from "../../create-worker";
import { checkSharedFolder } from "../shared-folder-check";
import { createSlurmRunner } from "../slurm-cli";
import { createSlurmExecutor } from "../slurm-executor";
import { type SlurmCluster, startSlurmCluster } from "./slurm-cluster";

let cluster: SlurmCluster;
let env: TestEnv;
beforeAll(async () => {
  cluster = await startSlurmCluster();
  process.env.SLURM_CONF = cluster.conf;
  env = await createTestEnv({ executor: "slurm", slurm_poll_interval: 1 });
});
afterAll(async () => {
  await env?.cleanup();
  await cluster?.stop();
  delete process.env.SLURM_CONF;
});

const executor = (): Executor => createSlurmExecutor({ jobEnv: process.env, layout: env.layout, config: env.config, log: () => undefined, recordGraceMs: 3_000 });

let nextId = 1;
/** A run of a new job whose folder is in QM_Jobs, as launch.ts hands it over. */
function launch(script: string): LaunchSpec {
  const jobId = nextId++;
  const dir = path.join(env.layout.running, `job ${jobId}`);
  fs.mkdirSync(dir, { recursive: true });
  return { jobId, name: `job ${jobId}`, dir, script, runToken: randomBytes(6).toString("hex"), requested: 1, granted: 1, maxNbProcessors: 1, host: os.hostname(), at: new Date(), runAs: [], cpus: [], nbGpu: 0, gpus: [], memMb: null, walltimeSeconds: null };
}

const squeueNames = () => execFileSync("squeue", ["--me", "--states=all", "--noheader", "--format=%j %T"], { encoding: "utf8" });
const record = (spec: LaunchSpec, runInfo: Record<string, unknown> | null) => ({ jobId: spec.jobId, runToken: spec.runToken, dir: spec.dir, runInfo, startedAt: spec.at });

describe("a restarted worker finds its Slurm runs", () => {
  it("adopts a run still in Slurm (found by name, even unrecorded) and hears its end once, without submitting it again", async () => {
    const first = executor();
    const spec = launch("sleep 2; echo finished; exit 5");
    const run = await first.start(spec);
    await first.close(); // the worker dies: nothing is cancelled
    const second = executor();
    const found = await second.find(record(spec, null)); // crash before runInfo was written
    expect(found.state).toBe("running");
    const exit = await (found as { run: { exited: Promise<{ exitCode: number | null }> } }).run.exited;
    expect(exit).toMatchObject({ exitCode: 5, runInfo: { slurmJobId: run.runInfo.slurmJobId, slurmState: "FAILED" } });
    expect(squeueNames().split("\n").filter((l) => l.startsWith(`qm-${spec.jobId}-`))).toHaveLength(1);
    expect(fs.readFileSync(path.join(spec.dir, "process.log"), "utf8")).toContain("finished");
    await second.close();
  });

  it("finishes a run that ended while no worker watched, from its exit record, whether Slurm still lists it or not", async () => {
    const first = executor();
    const listed = launch("exit 4");
    const forgotten = launch("sleep 1; exit 6");
    const runs = [await first.start(listed), await first.start(forgotten)];
    // Past MinJobAge Slurm forgets a job; renamed, it is not ours any more, and the record alone decides.
    execFileSync("scontrol", ["update", `JobId=${runs[1].runInfo.slurmJobId}`, "JobName=forgotten"]);
    await first.close();
    for (const spec of [listed, forgotten]) await waitFor("the exit records", () => fs.existsSync(path.join(env.layout.runs, `${spec.runToken}.exit`)));
    const second = executor();
    const found = await second.find(record(listed, runs[0].runInfo));
    expect(found.state).toBe("running"); // still listed (FAILED): adopted, and its end is heard at once
    expect(await (found as { run: { exited: Promise<unknown> } }).run.exited).toMatchObject({ exitCode: 4 });
    expect(await second.find(record(forgotten, runs[1].runInfo))).toMatchObject({ state: "ended", exit: { exitCode: 6 } });
    expect(squeueNames()).not.toContain(`qm-${forgotten.jobId}-`); // submitted once: the renamed job was the only one
    // Never handed to Slurm (no Slurm job id, nothing of its name listed): it never ran, and goes back to the queue.
    expect(await second.find(record(launch("true"), null))).toMatchObject({ state: "gone", notStarted: true, reason: expect.stringContaining("never handed to Slurm") });
    const submitting = { executor: "slurm", slurmJobId: null, slurmState: "SUBMITTING", node: null, reason: "Slurm did not take it yet: Unable to contact slurm controller", partition: null };
    expect(await second.find(record(launch("true"), submitting))).toMatchObject({ state: "gone", notStarted: true });
    // A run Slurm had taken (its id recorded) that left nothing is gone, not "never ran".
    const taken = { ...submitting, slurmJobId: "999999", slurmState: "RUNNING", reason: null };
    expect(await second.find(record(launch("true"), taken))).toMatchObject({ state: "gone", reason: expect.stringMatching(/no longer lists job 999999 .* left no exit record/) });
    expect(await second.find(record(launch("true"), taken))).not.toHaveProperty("notStarted");
    await second.close();
  });

  it("sweep cancels the Slurm jobs of this QM_FOLDER that no row claims and leaves other QueueManagers' alone", async () => {
    const ex = executor();
    const claimed = launch("sleep 60");
    const orphan = launch("sleep 60");
    const ids = [(await ex.start(claimed)).runInfo.slurmJobId, (await ex.start(orphan)).runInfo.slurmJobId];
    await ex.close();
    const other = execFileSync("sbatch", ["--parsable", "--job-name=qm-1-0ther0ne", "--chdir=/tmp", "--output=/dev/null", "--wrap=sleep 60"], { encoding: "utf8" }).trim();
    const logs: string[] = [];
    const again = executor();
    try {
      await again.sweep(new Set([claimed.runToken]), 1000, (m) => logs.push(m));
      const state = (id: unknown) => execFileSync("squeue", ["--jobs", String(id), "--states=all", "--noheader", "--format=%T"], { encoding: "utf8" }).trim();
      // A cancelled job passes through COMPLETING while its processes end (seconds on a loaded machine).
      await waitFor("the orphan cancelled", () => state(ids[1]) === "CANCELLED", 20_000);
      expect(state(ids[0])).toMatch(/RUNNING|PENDING/);
      expect(state(other)).toMatch(/RUNNING|PENDING/);
      expect(logs.join("\n")).toMatch(/cancelling Slurm job \d+ \(qm-\d+-\w+, (RUNNING|PENDING)\): no job of this QueueManager claims it/);
    } finally {
      execFileSync("scancel", [String(ids[0]), other]);
      await again.close();
    }
  });
});

describe("the start-up check that QM_FOLDER is shared with the nodes", () => {
  it("passes on a node that sees QM_FOLDER, with the node's name in the log", async () => {
    const logs: string[] = [];
    await checkSharedFolder({ cli: createSlurmRunner(process.env), layout: env.layout, settings: env.config().slurm, log: (m) => logs.push(m) });
    expect(logs.join("\n")).toMatch(new RegExp(`QM_FOLDER is shared with the nodes \\(probe job \\d+ read it on ${os.hostname().split(".")[0]}\\)`));
    expect(fs.readdirSync(path.join(env.layout.internal, "probe"))).toEqual([]);
  });

  it("makes the worker refuse to start, saying why, when the node does not see QM_FOLDER", async () => {
    const hidden = fs.mkdtempSync(path.join(os.tmpdir(), "qm-unshared-"));
    const other = await startSlurmCluster({ hide: [hidden] });
    const conf = process.env.SLURM_CONF;
    process.env.SLURM_CONF = other.conf;
    try {
      env.writeConfig({ QM_FOLDER: path.join(hidden, "QM"), executor: "slurm" });
      fs.mkdirSync(path.join(hidden, "QM", ".qm"), { recursive: true });
      const worker = createWorker({ configPath: env.configPath, databaseUrl: env.databaseUrl, log: () => undefined, heartbeatMs: 60_000, recordGraceMs: 2_000 });
      await expect(worker.start()).rejects.toThrow(/QM_FOLDER \(.*qm-unshared-.*\) is not shared with the Slurm nodes: probe job \d+ ran on .* but could not read .*\.probe.*Put QM_FOLDER on a filesystem every node mounts at the same path/);
    } finally {
      process.env.SLURM_CONF = conf;
      env.writeConfig();
      await other.stop();
      fs.rmSync(hidden, { recursive: true, force: true });
    }
  });
});
