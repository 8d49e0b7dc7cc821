/** Which of the processes carrying a run's token are its wrapper and its job (runOfToken). */
import { describe, expect, it } from "vitest";
import { type ProcessFacts, runOfToken } from "./run-watch";

const ROOT = 0;
/** The real run: wrapper 100 (root, leads group and session 100), its job 101 as uid 61000. */
const real: Record<number, ProcessFacts> = {
  100: { owner: ROOT, group: 100, session: 100 },
  101: { owner: 61000, group: 100, session: 100 },
};
/** Another job's process (uid 61005) that set the real run's token and leads a session of its own. */
const decoy: Record<number, ProcessFacts> = { 50: { owner: 61005, group: 50, session: 50 }, 51: { owner: 61005, group: 50, session: 50 } };
const factsOf = (table: Record<number, ProcessFacts>) => (pid: number) => table[pid];

describe("runOfToken", () => {
  it("finds the wrapper and the job's uid of a run", () => {
    expect(runOfToken([100, 101], factsOf(real), ROOT, ROOT)).toEqual({ pid: 100, uid: 61000 });
  });

  it("is not misled by a job's process that carries another run's token, found first", () => {
    const all = { ...decoy, ...real };
    expect(runOfToken([50, 51, 100, 101], factsOf(all), ROOT, ROOT)).toEqual({ pid: 100, uid: 61000 });
    // The decoy alone (the run's own processes gone): no wrapper, so nothing is adopted as it.
    expect(runOfToken([50, 51], factsOf(decoy), ROOT, ROOT)).toEqual({ pid: 0, uid: null });
  });

  it("with jobs under the worker's own uid, takes the group leader whoever owns it", () => {
    const same = { 100: { owner: 1000, group: 100, session: 100 }, 101: { owner: 1000, group: 100, session: 100 } };
    expect(runOfToken([100, 101], factsOf(same), 1000, null)).toEqual({ pid: 100, uid: null });
  });
});
