/**
 * Arrays with a real worker: a `%2` limit never exceeded, each element in its own folder
 * with its own index and results, the limit never holding up other jobs, and a dropped
 * folder expanded into held elements acted on as a whole (lib/server/jobs/array-actions.ts).
 */
import fs from "node:fs";
import path from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { type ArrayAction, applyToArray } from "../../lib/server/jobs/array-actions";
import { requeueJob } from "../../lib/server/jobs/requeue-job";
import { createTestEnv, dropJob, maxProcessorsInUse, readSpans, sharedFile, submitJob, type TestEnv, traced, untilFlag, waitFor, waitForJob } from "./helpers";
import { startWorker, type InProcessWorker } from "./in-process";

let env: TestEnv;
let worker: InProcessWorker | undefined;

afterEach(async () => {
  await worker?.stop();
  worker = undefined;
  await env?.cleanup();
});

const act = (action: ArrayAction) => ({ action, by: "test", folderRule: { jobFile: "proc_config.cfg", strict: false }, priorityLimit: null });
const job = (id: number) => env.db.job.findUniqueOrThrow({ where: { id } });

describe("arrays", () => {
  it("a 20-element array with %2 never runs more than 2 at once; each element has its own folder, index and results", async () => {
    env = await createTestEnv({ MaxNbProcessors: 4 });
    worker = await startWorker(env);
    const trace = sharedFile(env, "trace.txt");
    const script = traced(trace, "e$QM_ARRAY_INDEX", 1, `sleep 0.2; echo "index $QM_ARRAY_INDEX of array $QM_ARRAY_ID" > result.txt`);
    await submitJob(env, "sweep", { script, keys: { array: "1-20%2" }, files: { "input.csv": "x\n1\n" } });
    await waitFor("20 elements done", async () => (await env.db.job.count({ where: { state: "done", arrayId: { not: null } } })) === 20, 60_000);
    const spans = readSpans(trace);
    expect(spans).toHaveLength(20);
    expect(maxProcessorsInUse(spans)).toBe(2);
    const array = await env.db.jobArray.findFirstOrThrow({ include: { jobs: { orderBy: { arrayIndex: "asc" } } } });
    expect(array).toMatchObject({ name: "sweep", spec: "1-20%2", maxRunning: 2 });
    expect(array.jobs.map((j) => j.arrayIndex)).toEqual(Array.from({ length: 20 }, (_, i) => i + 1));
    for (const element of array.jobs) {
      const dir = path.join(env.layout.root, element.folder);
      expect(element.name).toBe(`sweep_${String(element.arrayIndex).padStart(2, "0")}`);
      expect(fs.readFileSync(path.join(dir, "result.txt"), "utf8")).toBe(`index ${element.arrayIndex} of array ${array.id}\n`);
      expect(fs.readFileSync(path.join(dir, "process.log"), "utf8")).toContain(`job ${element.id}`);
      expect(fs.readFileSync(path.join(dir, "input.csv"), "utf8")).toBe("x\n1\n");
      expect(fs.readFileSync(path.join(dir, "proc_config.cfg"), "utf8")).toMatch(/array_index\s*=\s*\d+/);
    }
    expect(fs.readdirSync(env.layout.staging)).toEqual([]);
  });

  it("elements waiting at their array's limit do not hold up the jobs behind them, even beyond the worker's queue window", async () => {
    env = await createTestEnv({ MaxNbProcessors: 2 });
    worker = await startWorker(env);
    const arrayJob = await submitJob(env, "long-sweep", { script: untilFlag(env, "go"), keys: { array: "1-60%1" } });
    const other = await submitJob(env, "other", { script: "true" });
    await waitForJob(env, "other", ["done"], 10_000);
    const arrayId = (await job(arrayJob)).arrayId!;
    expect(await env.db.job.count({ where: { arrayId, state: "running" } })).toBe(1);
    expect(await env.db.job.count({ where: { arrayId, state: "queued" } })).toBe(59);
    await applyToArray(env.store, env.layout, arrayId, act("kill"));
    await waitFor("the array ended", async () => (await env.db.job.count({ where: { arrayId, state: { in: ["killed", "cancelled"] } } })) === 60);
  });

  it("a dropped folder with array and hold keys becomes held elements; the whole array is released, killed and requeued", async () => {
    env = await createTestEnv({ MaxNbProcessors: 2, Settle_Time: 0 });
    worker = await startWorker(env);
    dropJob(env, "dropped", { script: `sleep 30`, keys: { array: "1,5,9", hold: "yes" } });
    await waitFor("3 held elements", async () => (await env.db.job.count({ where: { state: "held" } })) === 3);
    const { id: arrayId } = await env.db.jobArray.findFirstOrThrow();
    expect(fs.readdirSync(env.layout.queued).sort()).toEqual(["dropped_1", "dropped_5", "dropped_9"]);

    expect((await applyToArray(env.store, env.layout, arrayId, act("release"))).applied).toHaveLength(3);
    await waitFor("2 running", async () => (await env.db.job.count({ where: { state: "running" } })) === 2);
    const killed = await applyToArray(env.store, env.layout, arrayId, act("kill"));
    expect(killed.applied).toHaveLength(3);
    await waitFor("all ended", async () => (await env.db.job.count({ where: { arrayId, state: { in: ["killed", "cancelled"] } } })) === 3, 20_000);
    expect(await env.db.job.count({ where: { arrayId, state: "cancelled" } })).toBe(1);

    const requeued = await applyToArray(env.store, env.layout, arrayId, act("requeue"));
    expect(requeued.applied).toHaveLength(3);
    await waitFor("running again", async () => (await env.db.job.count({ where: { arrayId, state: "running" } })) === 2);

    // Delete takes the waiting element and leaves the running ones (kill them first).
    const queued = await env.db.job.findFirstOrThrow({ where: { arrayId, state: "queued" } });
    const running = (await env.db.job.findMany({ where: { arrayId, state: "running" }, orderBy: { arrayIndex: "asc" } })).map((j) => j.id);
    const deleted = await applyToArray(env.store, env.layout, arrayId, act("delete"));
    // The running ones are named, so that "deleted 1 element(s)" is not read as the array gone.
    expect(deleted).toEqual({ applied: [queued.id], skipped: [], running, refused: [] });
    expect(fs.existsSync(path.join(env.layout.root, queued.folder))).toBe(false);
    expect(await env.db.job.count({ where: { arrayId, state: "running" } })).toBe(2);
    await applyToArray(env.store, env.layout, arrayId, act("kill"));
    await waitFor("both killed", async () => (await env.db.job.count({ where: { arrayId, state: "killed" } })) === 2, 20_000);
    expect((await applyToArray(env.store, env.layout, arrayId, act("delete"))).applied).toHaveLength(2);
    expect(await env.db.job.count({ where: { arrayId, state: { not: "deleted" } } })).toBe(0);
  });

  it("elements whose after_ok parent failed are not requeued (they would be cancelled again at once) and say why; once the parent is requeued they are", async () => {
    env = await createTestEnv({ MaxNbProcessors: 2 });
    worker = await startWorker(env);
    const flag = sharedFile(env, "flag");
    const parent = await submitJob(env, "parent", { script: `grep -q ok ${flag}` });
    const first = await submitJob(env, "children", { script: "true", keys: { array: "1-3", after_ok: String(parent) } });
    const arrayId = (await job(first)).arrayId!;
    await waitFor("3 cancelled", async () => (await env.db.job.count({ where: { arrayId, state: "cancelled" } })) === 3, 20_000);
    expect((await job(parent)).state).toBe("failed");

    const refused = await applyToArray(env.store, env.layout, arrayId, act("requeue"));
    expect(refused.applied).toEqual([]);
    expect(refused.refused.map((r) => r.reason)).toEqual(
      [first, first + 1, first + 2].map((id) => `Job ${id} waits (after_ok) for job ${parent}, which ended failed, so it would be cancelled again at once; requeue job ${parent} first.`),
    );
    expect(await env.db.job.count({ where: { arrayId, state: "cancelled" } })).toBe(3);

    fs.writeFileSync(flag, "ok\n");
    await requeueJob(env.store, env.layout, parent, "test", act("requeue").folderRule, null);
    expect((await applyToArray(env.store, env.layout, arrayId, act("requeue"))).applied).toHaveLength(3);
    await waitFor("3 done", async () => (await env.db.job.count({ where: { arrayId, state: "done" } })) === 3, 20_000);
  });
});
