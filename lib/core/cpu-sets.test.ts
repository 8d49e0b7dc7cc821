import { describe, expect, it } from "vitest";
import { chooseCpus, formatCpuList, parseCpuList } from "./cpu-sets";

describe("CPU lists", () => {
  it("read and write the cpuset / taskset form", () => {
    expect(parseCpuList("0-3,6, 8-9")).toEqual([0, 1, 2, 3, 6, 8, 9]);
    expect(parseCpuList("5")).toEqual([5]);
    expect(formatCpuList([9, 0, 1, 2, 3, 6, 8])).toBe("0-3,6,8-9");
    expect(formatCpuList([4])).toBe("4");
    expect(() => parseCpuList("3-1")).toThrow(/is not a CPU number or range/);
    expect(() => parseCpuList("a")).toThrow(/like 0-3,6/);
  });
});

describe("choosing a run's CPUs", () => {
  const all = [0, 1, 2, 3];
  it.each([
    ["free CPUs first, lowest numbers", [], 2, [0, 1]],
    ["disjoint from running jobs", [[0, 1]], 2, [2, 3]],
    ["around a job in the middle", [[1, 2]], 2, [0, 3]],
    ["sharing the least used when none is free", [[0, 1], [2, 3], [0]], 1, [1]],
    ["never more CPUs than exist", [], 6, [0, 1, 2, 3]],
  ] as const)("%s", (_what, held, count, expected) => {
    expect(chooseCpus(all, held.map((h) => [...h]), count)).toEqual(expected);
  });
  it("only from the CPUs the worker may use", () => {
    expect(chooseCpus([2, 5, 7], [[5]], 2)).toEqual([2, 7]);
  });
});
