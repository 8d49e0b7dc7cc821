/**
 * The cluster as the dashboard shows it: per partition, nodes by state and CPUs allocated,
 * idle, other (down, drained) and total, from one `sinfo` call. sinfo prints a line per
 * partition and node state; the lines of a partition are summed here.
 */
import type { ClusterStats, PartitionStats } from "../../lib/core/worker-stats";
import { FIELD_SEPARATOR } from "./slurm-states";

export const SINFO_FORMAT = ["%R", "%a", "%D", "%T", "%C"].join(FIELD_SEPARATOR);

export function parseSinfo(text: string, at: Date): ClusterStats {
  const partitions = new Map<string, PartitionStats>();
  for (const line of text.split("\n")) {
    const [name, available, nodes, state, cpus] = line.split(FIELD_SEPARATOR);
    if (cpus === undefined) continue;
    const [allocated, idle, other, total] = cpus.split("/").map(Number);
    const p = partitions.get(name) ?? { name, up: available === "up", nodes: 0, nodeStates: {}, cpusAllocated: 0, cpusIdle: 0, cpusOther: 0, cpusTotal: 0 };
    const count = Number(nodes) || 0;
    // down*, idle~ ...: the suffix says how the node is reachable, not what it does.
    const plain = state.replace(/[*~#!%$@^-]+$/, "");
    p.nodes += count;
    p.nodeStates[plain] = (p.nodeStates[plain] ?? 0) + count;
    p.cpusAllocated += allocated || 0;
    p.cpusIdle += idle || 0;
    p.cpusOther += other || 0;
    p.cpusTotal += total || 0;
    partitions.set(name, p);
  }
  return { scheduler: "slurm", partitions: [...partitions.values()], at: at.toISOString() };
}
