import { describe, expect, it } from "vitest";
import { createRunLimit } from "./run-limit";

const later = () => {
  let open!: () => void;
  const gate = new Promise<void>((r) => (open = r));
  return { gate, open };
};

describe("run limit", () => {
  it("runs at most N at once, queues M more, refuses the rest, and drops a cancelled waiter", async () => {
    const limit = createRunLimit(1, 2, "busy");
    const first = later();
    const started: string[] = [];
    const task = (name: string, gate?: Promise<void>) => async () => {
      started.push(name);
      await gate;
      return name;
    };
    const a = limit.run(task("a", first.gate));
    const cancel = new AbortController();
    const b = limit.run(task("b"), cancel.signal);
    const c = limit.run(task("c"));
    await expect(limit.run(task("d"))).rejects.toThrow("busy");
    cancel.abort();
    await expect(b).rejects.toThrow(/cancelled/);
    expect(started).toEqual(["a"]);
    first.open();
    expect(await Promise.all([a, c])).toEqual(["a", "c"]);
    expect(started).toEqual(["a", "c"]);
  });
});
