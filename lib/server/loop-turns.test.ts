import { expect, it } from "vitest";
import { loopTurns } from "./loop-turns";

it("answers a turn of the event loop every `every` steps, and nothing between", () => {
  const turns = loopTurns(3);
  expect(Array.from({ length: 7 }, () => turns() !== null)).toEqual([false, false, true, false, false, true, false]);
});

it("a turn lets work already waiting on the event loop run before the walk goes on", async () => {
  let ran = false;
  setImmediate(() => (ran = true));
  const turn = loopTurns(1)();
  expect(ran).toBe(false);
  await turn;
  expect(ran).toBe(true);
});
