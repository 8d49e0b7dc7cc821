/**
 * A worker with executor = slurm against a real single-node Slurm (munged, slurmctld,
 * slurmd started by this file, once): real sbatch/squeue/scancel, real folders, a real
 * SQLite file. Each test has its own QM_FOLDER and database; they share the cluster.
 */
import fs from "node:fs";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { slurmRunInfoOf } from "../../../lib/core/slurm-run-info";
import { resourcesOf } from "../../../lib/server/jobs/job-view";
import { requestKill } from "../../../lib/server/jobs/kill-job";
import { createTestEnv, openGate, seedJob, submitJob, type TestEnv, waitAtGate, waitFor, waitForJob } from "../../tests/helpers";
import { type InProcessWorker, startWorker } from "../../tests/in-process";
import { type SlurmCluster, startSlurmCluster } from "./slurm-cluster";

let cluster: SlurmCluster;
const t0 = Date.now();
beforeAll(async () => {
  cluster = await startSlurmCluster({ cpus: 16, gpus: 2 });
  process.env.SLURM_CONF = cluster.conf;
  console.log(`[measure] test Slurm cluster up in ${Date.now() - t0} ms`);
});
afterAll(async () => {
  await cluster?.stop();
  delete process.env.SLURM_CONF;
});

/** A QueueManager of its own on the shared cluster; stopped and removed when `use` ends. */
async function withQm(keys: Record<string, string | number>, use: (env: TestEnv, worker: InProcessWorker) => Promise<void>) {
  const env = await createTestEnv({ executor: "slurm", slurm_poll_interval: 1, MailActive: "False", ...keys });
  const worker = await startWorker(env, { recordGraceMs: 5_000 });
  try {
    await use(env, worker);
  } finally {
    await worker.stop();
    await env.cleanup();
  }
}

const eventsOf = async (env: TestEnv, id: number) => (await env.db.jobEvent.findMany({ where: { jobId: id }, orderBy: { id: "asc" } })).map((e) => e.kind);

describe("executor = slurm", () => {
  it.concurrent("nb_gpu is --gres=gpu:N: two 1-GPU jobs run at once on different devices Slurm chose, a job without sees none, one asking more than the cluster has is refused", async () => {
    await withQm({}, async (env) => {
      const sees = 'echo "sees [${CUDA_VISIBLE_DEVICES-unset}] [${QM_GPUS-unset}] [${NVIDIA_VISIBLE_DEVICES-unset}]"';
      const ids = await Promise.all(
        [["gpu a", 1], ["gpu b", 1], ["no gpu", 0], ["greedy", 3]].map(([name, nbGpu]) => submitJob(env, name as string, { script: `${sees}; sleep 3`, keys: { nb_gpu: nbGpu } })),
      );
      const rows = await Promise.all(["gpu a", "gpu b", "no gpu", "greedy"].map((name) => waitForJob(env, name, ["done", "failed", "lost", "killed"], 60_000)));
      const seen = rows.slice(0, 3).map((row) => /^sees (.*)$/m.exec(fs.readFileSync(path.join(env.layout.root, row.folder, "process.log"), "utf8"))?.[1]);
      // The two ran at the same time (3 s each): Slurm gave them its two stand-in devices, one each.
      expect(rows.slice(0, 3).map((r) => r.state)).toEqual(["done", "done", "done"]);
      expect(rows[0].startedAt!.getTime()).toBeLessThan(rows[1].finishedAt!.getTime());
      expect(seen.slice(0, 2).sort()).toEqual(["[0] [0] [0]", "[1] [1] [1]"]);
      // Slurm unsets CUDA_VISIBLE_DEVICES for a job without GPUs (CUDA would see them all): set empty.
      expect(seen[2]).toBe("[] [] []");
      expect(resourcesOf(rows[0]).gpus).toBe("1, chosen by Slurm");
      expect(rows[3]).toMatchObject({ id: ids[3], state: "failed" });
      expect(rows[3].error).toMatch(/^Slurm refused the job: .*Requested node configuration is not available/);
    });
  });

  it.concurrent("stops a job at its walltime: timeout, with the walltime note and an exit record", async () => {
    await withQm({}, async (env) => {
      // walltime = 1: one minute, the smallest Slurm --time.
      const id = await submitJob(env, "too long", { script: "", infoText: "[QMOptions]\nscript : echo begun; sleep 300\nwalltime : 1\n" });
      const row = await waitForJob(env, "too long", ["timeout", "failed", "done", "killed", "lost"], 100_000);
      expect(row).toMatchObject({ id, state: "timeout", exitCode: 143 });
      const log = fs.readFileSync(path.join(env.layout.root, row.folder, "process.log"), "utf8");
      expect(log).toContain("the walltime ends: stopping the job (SIGTERM)");
      expect(log).toMatch(/stopped at its walltime/);
      console.log(`[measure] walltime 1 min: ended timeout after ${Math.round((row.finishedAt!.getTime() - row.startedAt!.getTime()) / 1000)} s of run`);
    });
  }, 150_000); // a minute's walltime, Slurm's check of it, and the wait above (100 s) must fit

  it.concurrent("runs the seed example through Slurm to QM_dJobs, pending then running, with progress and Slurm's details", async () => {
    await withQm({}, async (env) => {
      fs.renameSync(seedJob(env.dir, "seed example", "proc_config.cfg"), path.join(env.layout.queued, "seed example"));
      const partial = await waitFor("progress while running", async () => {
        const row = await env.db.job.findFirst({ where: { name: "seed example" } });
        return row?.state === "running" && row.progress !== null && row.progress > 0 && row.progress < 100 ? row : null;
      });
      expect(slurmRunInfoOf(partial.runInfo)).toMatchObject({ slurmState: "RUNNING", node: expect.any(String) });
      const done = await waitForJob(env, "seed example", ["done", "failed", "lost"]);
      expect(done).toMatchObject({ state: "done", exitCode: 0, progress: 100 });
      expect(done.folder).toMatch(/^QM_dJobs\/.*-seed example$/);
      expect(done.cpuSeconds).toBeGreaterThan(0);
      const info = slurmRunInfoOf(done.runInfo)!;
      expect(info.slurmJobId).toMatch(/^\d+$/);
      expect(info.slurmState).toBe("COMPLETED");
      const dir = path.join(env.layout.root, done.folder);
      // Slurm grants nb_proc = 12 as asked (MaxNbProcessors is for local runs).
      expect(fs.readFileSync(path.join(dir, "results.txt"), "utf8")).toContain("1 4 9 16 25 36 49 64\nargs=['param2'] NB_PROC=12 OMP_NUM_THREADS=12 QM_JOB_NAME=seed example");
      const log = fs.readFileSync(path.join(dir, "process.log"), "utf8");
      expect(log).toMatch(new RegExp(`=== Slurm job ${info.slurmJobId} started \\S+ on ${info.node}`));
      expect(log).toMatch(/processing 8 \/ 8[\s\S]*=== QueueManager job \d+ ended .*: exit code 0/);
      expect(await eventsOf(env, done.id)).toEqual(["queued", "pending", "running", "done"]);
      expect(fs.readdirSync(env.layout.running)).toEqual([]);
    });
  });

  it.concurrent("records a failing job as failed with its exit code, in QM_lost+found", async () => {
    await withQm({}, async (env) => {
      const id = await submitJob(env, "breaks", { script: "echo 'error: bad input' >&2; exit 3" });
      const row = await waitForJob(env, "breaks", ["failed", "done", "lost"]);
      expect(row).toMatchObject({ id, state: "failed", exitCode: 3 });
      expect(row.folder).toMatch(/^QM_lost\+found\/.*-breaks$/);
      expect(fs.readFileSync(path.join(env.layout.root, row.folder, "process.log"), "utf8")).toContain("error: bad input");
      expect(slurmRunInfoOf(row.runInfo)?.slurmState).toBe("FAILED");
    });
  });

  it.concurrent("kills a running job (SIGTERM to all its processes) and a job still pending in Slurm", async () => {
    await withQm({}, async (env, worker) => {
      // Changed while the worker runs (the start-up probe job must not wait an hour too).
      env.writeConfig({ executor: "slurm", slurm_poll_interval: 1, slurm_sbatch_args: "--begin=now+3600" });
      await waitFor("the new settings", () => worker.worker.config().slurm.sbatchArgs.length === 1);
      const waiting = await submitJob(env, "not yet", { script: "echo never" });
      const row = await waitForJob(env, "not yet", ["pending"]);
      await waitFor("Slurm's reason", async () => slurmRunInfoOf((await env.db.job.findUnique({ where: { id: row.id } }))?.runInfo)?.reason === "BeginTime");
      await requestKill(env.store, env.layout, waiting, "a test");
      const killed = await waitForJob(env, "not yet", ["killed", "failed", "lost"]);
      expect(killed.state).toBe("killed");
      expect(await eventsOf(env, waiting)).toEqual(["queued", "pending", "kill-requested", "killed"]);
      // It never ran: no start, and its log says what it waited rather than a run time.
      expect(killed.startedAt).toBeNull();
      expect(fs.readFileSync(path.join(env.layout.root, killed.folder, "process.log"), "utf8")).toMatch(/: no exit code, duration 0 s, state killed\n=== killed on request; it never started: it waited (\d+ s|< 1 s) in Slurm's queue\n/);
    });
    await withQm({}, async (env) => {
      const id = await submitJob(env, "long job", { script: "sleep 1000 & echo started; while true; do sleep 0.2; done" });
      await waitFor("the job's output", () => fs.existsSync(path.join(env.layout.running, "long job", "process.log")) && fs.readFileSync(path.join(env.layout.running, "long job", "process.log"), "utf8").includes("started"));
      await waitForJob(env, "long job", ["running"]);
      await requestKill(env.store, env.layout, id, "a test");
      const row = await waitForJob(env, "long job", ["killed", "failed", "done", "lost"]);
      expect(row).toMatchObject({ state: "killed", signal: "SIGTERM", exitCode: 143 });
      expect(fs.readFileSync(path.join(env.layout.root, row.folder, "process.log"), "utf8")).toMatch(/killed by SIGTERM, .*\n=== killed on request/);
    });
  });

  it("a worker restarted while a Slurm job runs adopts it and finishes it once, never submitting it again", async () => {
    const env = await createTestEnv({ executor: "slurm", slurm_poll_interval: 1, MailActive: "False" });
    try {
      const first = await startWorker(env);
      const id = await submitJob(env, "outlives", { script: `for i in 1 2 3; do echo "processing $i / 6"; done; ${waitAtGate(env)}; for i in 4 5 6; do echo "processing $i / 6"; done` });
      await waitForJob(env, "outlives", ["running"]);
      await first.stop(); // Shutdown_Jobs = keep: the job goes on in Slurm
      expect((await env.db.job.findUniqueOrThrow({ where: { id } })).state).toMatch(/^(pending|running)$/);
      const second = await startWorker(env);
      try {
        await waitFor("its adoption", () => second.logs.some((l) => /recovery: still runs .*adopted/.test(l)));
        openGate(env);
        const row = await waitForJob(env, "outlives", ["done", "failed", "lost", "killed"]);
        expect(row).toMatchObject({ state: "done", exitCode: 0, progress: 100 });
        expect(second.logs.join("\n")).toMatch(new RegExp(`job ${id}: recovery: still runs .*adopted`));
        expect(await eventsOf(env, id)).toEqual(["queued", "pending", "running", "done"]);
        const log = fs.readFileSync(path.join(env.layout.root, row.folder, "process.log"), "utf8");
        expect(log.match(/=== Slurm job \d+ started/g)).toHaveLength(1);
        expect(log).toContain("processing 6 / 6");
      } finally {
        await second.stop();
      }
    } finally {
      await env.cleanup();
    }
  });

  it("slurmctld stopped for 20 s: nothing is misjudged; what ended meanwhile gets its real outcome, what was submitted meanwhile runs after", async () => {
    await withQm({}, async (env, worker) => {
      const quick = await submitJob(env, "ends during the outage", { script: "sleep 3; echo ok" });
      const slow = await submitJob(env, "ends after the outage", { script: "sleep 24; exit 2" });
      for (const name of ["ends during the outage", "ends after the outage"]) await waitForJob(env, name, ["running"]);
      await cluster.stopController();
      const stoppedAt = Date.now();
      try {
        const late = await submitJob(env, "submitted during the outage", { script: "echo late" });
        const rows = () => env.db.job.findMany({ where: { id: { in: [quick, slow, late] } }, orderBy: { id: "asc" } });
        await waitForJob(env, "submitted during the outage", ["pending"]);
        while (Date.now() - stoppedAt < 20_000) {
          expect((await rows()).map((r) => r.state)).toEqual(["running", "running", "pending"]);
          await new Promise((r) => setTimeout(r, 500));
        }
        // Still as last seen; the first one has ended on the node meanwhile (its exit record is there).
        expect(slurmRunInfoOf((await rows())[0].runInfo)?.slurmState).toBe("RUNNING");
        expect(slurmRunInfoOf((await rows())[2].runInfo)).toMatchObject({ slurmState: "SUBMITTING", reason: expect.stringMatching(/controller|Slurm did not take it yet/) });
      } finally {
        await cluster.startController();
      }
      expect(await waitForJob(env, "ends during the outage", ["done", "failed", "lost", "killed"])).toMatchObject({ state: "done", exitCode: 0 });
      expect(await waitForJob(env, "submitted during the outage", ["done", "failed", "lost", "killed"])).toMatchObject({ state: "done", exitCode: 0 });
      expect(await waitForJob(env, "ends after the outage", ["done", "failed", "lost", "killed"])).toMatchObject({ state: "failed", exitCode: 2 });
      expect(worker.logs.join("\n")).toMatch(/squeue failed .*nothing is decided until Slurm answers[\s\S]*squeue answers again/);
      const ends = await env.db.jobEvent.count({ where: { kind: { in: ["done", "failed", "lost", "killed"] } } });
      expect(ends).toBe(3);
    });
  });
});
