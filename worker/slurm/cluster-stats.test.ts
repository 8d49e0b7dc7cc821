import { describe, expect, it } from "vitest";
import { parseSinfo } from "./cluster-stats";
import { FIELD_SEPARATOR as S } from "./slurm-states";

describe("parseSinfo", () => {
  it("sums each partition's lines (one per node state) and drops the reachability suffix of states", () => {
    const text = [`batch${S}up${S}2${S}mixed${S}10/22/0/32`, `batch${S}up${S}1${S}down*${S}0/0/16/16`, `gpu${S}down${S}1${S}idle${S}0/8/0/8`, ""].join("\n");
    expect(parseSinfo(text, new Date("2026-01-01T00:00:00Z"))).toEqual({
      scheduler: "slurm",
      at: "2026-01-01T00:00:00.000Z",
      partitions: [
        { name: "batch", up: true, nodes: 3, nodeStates: { mixed: 2, down: 1 }, cpusAllocated: 10, cpusIdle: 22, cpusOther: 16, cpusTotal: 48 },
        { name: "gpu", up: false, nodes: 1, nodeStates: { idle: 1 }, cpusAllocated: 0, cpusIdle: 8, cpusOther: 0, cpusTotal: 8 },
      ],
    });
  });
});
