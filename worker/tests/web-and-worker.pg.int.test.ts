/**
 * The web app and the worker as separate processes that share only the database
 * (PostgreSQL) and QM_FOLDER, as on two hosts: the route handlers run in this process, the
 * worker is its own program. Submit, kill and requeue reach it as NOTIFY wake-ups;
 * `.qm/wake` is never written.
 */
import fs from "node:fs";
import path from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { basic, cfgPath, ctx, databaseUrl, db, dir, qm, req, routes, submitJobZip, writeConfig } from "../../lib/web/api-test-harness";
import { jobProcesses, waitFor } from "./helpers";
import { type WorkerProcess, spawnWorker } from "./worker-process";

let worker: WorkerProcess | undefined;

afterEach(async () => {
  if (worker && worker.child.exitCode === null) worker.child.kill("SIGKILL");
  await waitFor("job processes gone", () => jobProcesses(qm).length === 0, 15_000).catch(() => undefined);
});

const submit = submitJobZip;

const stateOf = async (id: number) => (await db.job.findUniqueOrThrow({ where: { id } })).state;
const reaches = (id: number, state: string) => waitFor(`job ${id} ${state}`, async () => (await stateOf(id)) === state, 30_000);

describe("web and worker in separate processes on PostgreSQL", () => {
  it("submit, kill and requeue wake the worker through NOTIFY, with no .qm/wake", async () => {
    expect(databaseUrl).toMatch(/^postgresql:/);
    writeConfig({}, { Debug: "True", Kill_Grace: "1" });
    worker = spawnWorker({ configPath: cfgPath, dataDir: dir, databaseUrl });
    await worker.started();

    const quick = await submit("quick");
    await reaches(quick, "done");
    const done = await db.job.findUniqueOrThrow({ where: { id: quick } });
    expect(fs.readFileSync(path.join(qm, done.folder, "process.log"), "utf8")).toContain("processing 3 / 3");

    const slow = await submit("slow", "sleep 1000");
    await reaches(slow, "running");
    const kill = await routes.kill(req(`/api/jobs/${slow}/kill`, { method: "POST", headers: basic() }), ctx(slow));
    expect(kill.status).toBe(202);
    await reaches(slow, "killed");

    const requeue = await routes.requeue(req(`/api/jobs/${quick}/requeue`, { method: "POST", headers: basic() }), ctx(quick));
    expect(requeue.status).toBe(200);
    await waitFor("the requeued job's second run", async () => (await db.jobEvent.count({ where: { jobId: quick, kind: "done" } })) === 2, 30_000);

    expect(fs.existsSync(path.join(qm, ".qm/wake"))).toBe(false);
    // One wake-up per submit, kill and requeue reached the worker (and maybe more: none is lost).
    expect(worker.output().match(/woken by a database notification/g)?.length ?? 0).toBeGreaterThanOrEqual(4);
    worker.child.kill("SIGTERM");
    expect(await worker.exited).toBe(0);
  });
});
