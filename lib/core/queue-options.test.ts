import { describe, expect, it } from "vitest";
import { namesOtherJobsOrExpands, parseQueueOptions } from "./queue-options";

const parse = (params: Record<string, string>) => parseQueueOptions("proc_config.cfg", params);

describe("parseQueueOptions", () => {
  it("reads hold, after_ok, after_any and array", () => {
    expect(parse({})).toEqual({ hold: false, dependsOn: [], array: null, arrayIndex: null });
    const o = parse({ hold: "Yes", after_ok: "12, 13", after_any: "array:4", array: "1-3%2" });
    expect(o.hold).toBe(true);
    expect(o.dependsOn).toEqual([
      { ref: { jobId: 12 }, kind: "after_ok" },
      { ref: { jobId: 13 }, kind: "after_ok" },
      { ref: { arrayId: 4 }, kind: "after_any" },
    ]);
    expect(o.array).toMatchObject({ indices: [1, 2, 3], maxRunning: 2 });
  });

  it("an element's own info file (array_index) is one job, not a new array", () => {
    expect(parse({ array: "1-20", array_index: "7" })).toMatchObject({ array: null, arrayIndex: 7 });
  });

  it("refuses bad values with the key and an example", () => {
    expect(() => parse({ hold: "maybe" })).toThrow('proc_config.cfg: hold must be yes or no (got "maybe")');
    expect(() => parse({ after_ok: "12, job13" })).toThrow(/after_ok must list job ids separated by commas, such as "12, 13".*"job13" is not one/);
    expect(() => parse({ after_any: "0" })).toThrow(/after_any must list job ids/);
    // "$a,$b" with a submission that failed: a missing id, never read as no wait at all.
    for (const list of [",", "12,", "12,,13", ", 13"]) {
      expect(() => parse({ after_ok: list }), list).toThrow(`proc_config.cfg: after_ok has an empty item in "${list.trim()}"; list job ids separated by commas, such as "12, 13"`);
    }
    expect(parse({ after_ok: "12 13" }).dependsOn).toHaveLength(2);
    expect(() => parse({ array: "3-1" })).toThrow(/^proc_config.cfg: array = 3-1: the range 3-1 runs backwards/);
    expect(() => parse({ array_index: "x" })).toThrow(/array_index must be a whole number/);
  });
});

describe("namesOtherJobsOrExpands", () => {
  it("is true for a job that waits for others or is an array, before its keys are read", () => {
    expect(namesOtherJobsOrExpands({})).toBe(false);
    expect(namesOtherJobsOrExpands({ hold: "yes", nb_proc: "2", after_ok: "  " })).toBe(false);
    expect(namesOtherJobsOrExpands({ after_ok: "12" })).toBe(true);
    expect(namesOtherJobsOrExpands({ after_any: "array:4" })).toBe(true);
    expect(namesOtherJobsOrExpands({ array: "1-3" })).toBe(true);
  });
});
