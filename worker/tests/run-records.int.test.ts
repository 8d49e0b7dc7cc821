/**
 * Started runs' pids and details written a moment later, together (worker/run-records.ts),
 * against the real store: one transaction for all that waited, none for a run that ended
 * first, and nothing written to a row that has changed state meanwhile.
 */
import { afterEach, describe, expect, it } from "vitest";
import { planTransition } from "../../lib/core/job-lifecycle";
import { readJobsVersion } from "../../lib/server/store/jobs-version";
import { createRunRecords } from "../run-records";
import { createTestEnv, type TestEnv } from "./helpers";

let env: TestEnv;
afterEach(async () => env?.cleanup());

const warnings: string[] = [];
const log = Object.assign((m: string) => void m, { debug() {}, info() {}, warn: (m: string) => void warnings.push(m), error() {} });

async function runningJob(name: string): Promise<number> {
  const id = await env.store.createJob({ name, script: "true", folder: `QM_qJobs/${name}`, source: "api" }, planTransition("submit", null, "queued", {}, "test"));
  await env.store.transition(id, planTransition("start", "queued", "running", { folder: `QM_Jobs/${name}`, startedAt: new Date(), runToken: `t-${name}` }, "test"));
  return id;
}

describe("run records", () => {
  it("writes the waiting records in one transaction, skips those taken by an end, and leaves changed rows alone", async () => {
    env = await createTestEnv();
    const [a, b, c, d] = [await runningJob("a"), await runningJob("b"), await runningJob("c"), await runningJob("d")];
    const records = createRunRecords(env.store, log, 60_000); // written on flush only, here
    for (const [id, pid] of [[a, 101], [b, 102], [c, 103], [d, 104]]) records.later(id, { state: "running" }, { pid, runInfo: JSON.stringify({ pid }) });
    expect(records.take(b)).toEqual({ pid: 102, runInfo: JSON.stringify({ pid: 102 }) }); // b ended first: its end carries it
    expect(records.take(b)).toBeUndefined();
    await env.store.transition(d, planTransition("end", "running", "done", { finishedAt: new Date(), exitCode: 0, pid: null }, "test"), { state: "running" });
    expect((await env.db.job.findUniqueOrThrow({ where: { id: a } })).pid).toBeNull(); // nothing written yet
    const version = await readJobsVersion(env.store.sql);
    await records.flush();
    const pids = Object.fromEntries((await env.db.job.findMany({ orderBy: { id: "asc" } })).map((r) => [r.name, r.pid]));
    expect(pids).toEqual({ a: 101, b: null, c: 103, d: null });
    expect(Number(await readJobsVersion(env.store.sql))).toBe(Number(version) + 1); // one write for both
    expect(warnings).toEqual([]);
  });

  it("writes on its own after a moment", async () => {
    env = await createTestEnv();
    const a = await runningJob("a");
    createRunRecords(env.store, log, 20).later(a, { state: "running" }, { pid: 7, runInfo: "{}" });
    await new Promise((r) => setTimeout(r, 150));
    expect((await env.db.job.findUniqueOrThrow({ where: { id: a } })).pid).toBe(7);
  });
});
