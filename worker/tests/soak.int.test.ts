/** Jobs outlive the worker: a short crash soak (the longer one is in `npm run bench`). */
import { afterEach, describe, expect, it } from "vitest";
import { createTestEnv, jobProcesses, type TestEnv, waitFor } from "./helpers";
import { runSoak } from "./soak";

let env: TestEnv;
afterEach(async () => {
  if (env) await waitFor("job processes gone", () => jobProcesses(env.layout.root).length === 0, 15_000).catch(() => undefined);
  await env?.cleanup();
});

describe("the worker SIGKILLed every 2.5 s while 10 clients submit 60 jobs", () => {
  it("loses none, completes none twice, and keeps every row and folder together", async () => {
    // The worker is killed on purpose here, not by a job: no run is quarantined for living through it.
    env = await createTestEnv({ MaxNbProcessors: 4, Kill_Grace: 1, Settle_Time: 300, Quarantine_After: 0 });
    const result = await runSoak(env, { jobs: 60, clients: 10, killEveryMs: 2_500 });
    console.log(`[measure] soak: ${JSON.stringify(result)}`);
    expect(result.workerKills).toBeGreaterThanOrEqual(3);
    expect(result).toMatchObject({ notDone: [], jobs: 60, done: 60, lost: 0, completedTwice: 0, rowsWithoutFolder: 0, foldersWithoutRow: 0 });
  }, 180_000);
});
