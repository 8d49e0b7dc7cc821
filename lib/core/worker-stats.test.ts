import { describe, expect, it } from "vitest";
import { parseWorkerStats, readWorkerStats } from "./worker-stats";

describe("parseWorkerStats", () => {
  it("reads what the worker's heartbeat writes", () => {
    const written = { loadavg: [0.5, 0.4, 0.3], cpus: 8, maxNbProcessors: 4, processorsInUse: 3, running: 2 };
    expect(parseWorkerStats(JSON.stringify(written))).toEqual(written);
  });

  it.each([
    ["not JSON", "{loadavg:"],
    ["empty", ""],
    ["null", "null"],
    ["an array", "[1,2]"],
    ["a number", "42"],
  ])("gives {} for %s", (_, text) => {
    expect(parseWorkerStats(text)).toEqual({});
  });

  it("keeps the good fields of an older or odd worker and drops the bad ones", () => {
    const stats = parseWorkerStats(JSON.stringify({ cpus: "8", processorsInUse: 2, loadavg: "high", running: -1, newerField: true }));
    expect(stats.processorsInUse).toBe(2);
    expect(stats.cpus).toBeUndefined();
    expect(stats.loadavg).toBeUndefined();
    expect(stats.running).toBeUndefined();
    expect(stats).not.toHaveProperty("newerField");
    expect(readWorkerStats({ cpus: 4 })).toEqual({ cpus: 4 });
    expect(readWorkerStats({ isolation: "root", gpus: [0, -1], stopped: "yes", executor: "local" })).toEqual({ executor: "local" });
  });
});

describe("the worker's wait for a uid of Job_Uids in the heartbeat", () => {
  it("travels as written, and a heartbeat without it (an older worker, or no wait) still reads", () => {
    const startWait = "no uid of Job_Uids (61000-61001) is free now (2 held by running jobs): the job starts when one is";
    expect(parseWorkerStats(JSON.stringify({ running: 2, startWait }))).toEqual({ running: 2, startWait });
    expect(parseWorkerStats(JSON.stringify({ running: 2, isolation: "uid" }))).toEqual({ running: 2, isolation: "uid" });
    expect(readWorkerStats({ running: 2, startWait: 7 })).toEqual({ running: 2 });
  });
});

describe("the cluster in the heartbeat (executor = slurm)", () => {
  const cluster = { scheduler: "slurm", at: "2026-01-01T00:00:00.000Z", partitions: [{ name: "batch", up: true, nodes: 2, nodeStates: { idle: 1, mixed: 1 }, cpusAllocated: 3, cpusIdle: 13, cpusOther: 0, cpusTotal: 16 }] };

  it("travels whole from the worker to the dashboard", () => {
    expect(parseWorkerStats(JSON.stringify({ executor: "slurm", pending: 4, cluster }))).toEqual({ executor: "slurm", pending: 4, cluster });
  });

  it("keeps only the known fields of the cluster and its partitions", () => {
    const extra = { ...cluster, note: "x", partitions: [{ ...cluster.partitions[0], secret: 1 }] };
    expect(parseWorkerStats(JSON.stringify({ cluster: extra }))).toEqual({ cluster });
  });

  it("is dropped alone when malformed, the other figures kept", () => {
    expect(parseWorkerStats(JSON.stringify({ cpus: 2, cluster: { ...cluster, partitions: [{ name: "batch", cpusTotal: "many" }] } }))).toEqual({ cpus: 2 });
  });
});

