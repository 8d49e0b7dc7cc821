/**
 * Where the CPU of a no-op job goes. The worker (a build with a source map) runs under
 * `node --cpu-prof` for a throughput round; each sample is put under what it was
 * doing (the innermost recognisable frame: SQLite, a rename, a file write, a spawn...) and
 * under which of our source files asked for it (the innermost frame that maps to lib/ or
 * worker/). The shares are applied to the CPU each process spent per job in the
 * unprofiled throughput rounds (the profiler itself slows what it watches).
 */
import fs from "node:fs";
import { SourceMap } from "node:module";
import path from "node:path";
import { buildWorker } from "../../scripts/build-worker";
import { createInstance } from "../lib/qm-instance";
import { type CpuPerJob, qmThroughput } from "./throughput";

interface ProfileNode {
  id: number;
  callFrame: { functionName: string; url: string; lineNumber: number; columnNumber: number };
  children?: number[];
}
interface CpuProfile {
  nodes: ProfileNode[];
  samples: number[];
  timeDeltas: number[];
}

/** Microseconds of CPU per activity and per source file, for one process. */
export interface Breakdown {
  totalUs: number;
  byActivity: Map<string, number>;
  bySource: Map<string, number>;
}

const FS_ACTIVITIES: [RegExp, string][] = [
  [/^rename/, "folder renames"],
  [/^(write|append|open|close|ftruncate|copyFile|mkdir|fsync|fdatasync|chmod|chown|lchown|utimes|symlink|link)/, "file writes (log header/footer, records, cgroups)"],
  [/^(rm|unlink|rmdir)/, "file removals"],
  [/^(read|stat|lstat|fstat|exists|access|realpath|opendir)/, "file reads and stats"],
];

function activityOf(frame: ProfileNode["callFrame"]): string | null {
  const { functionName: fn, url } = frame;
  if (fn === "(garbage collector)") return "garbage collection";
  if (fn === "(program)") return "V8 and Node internals";
  if (url.includes("better-sqlite3")) return "SQLite (job store)";
  if (url === "node:fs" || url.startsWith("node:internal/fs")) return FS_ACTIVITIES.find(([re]) => re.test(fn))?.[1] ?? "other file system calls";
  if (url.includes("child_process")) return "process spawn (fork/exec)";
  if (url.startsWith("node:internal/streams") || url.startsWith("node:net") || url.includes("readline") || url.startsWith("node:internal/stream_base")) return "IPC with the spawner (pipes)";
  if (fn === "parse" || fn === "stringify") return "JSON";
  return null;
}

/** Attribute every sample of `file` (a .cpuprofile) to an activity and a source file. */
export function breakDown(file: string, sourceMaps: Map<string, SourceMap>): Breakdown {
  const profile = JSON.parse(fs.readFileSync(file, "utf8")) as CpuProfile;
  const byId = new Map(profile.nodes.map((n) => [n.id, n]));
  const parent = new Map<number, number>();
  for (const n of profile.nodes) for (const c of n.children ?? []) parent.set(c, n.id);
  const sourceOf = (frame: ProfileNode["callFrame"]): string | null => {
    const map = sourceMaps.get(frame.url);
    const entry = map?.findEntry(frame.lineNumber, frame.columnNumber) as { originalSource?: string } | undefined;
    const source = entry?.originalSource ?? null;
    const at = source?.search(/(lib|worker)\//) ?? -1;
    return source && at >= 0 ? source.slice(at) : null;
  };
  const out: Breakdown = { totalUs: 0, byActivity: new Map(), bySource: new Map() };
  const add = (m: Map<string, number>, k: string, us: number) => m.set(k, (m.get(k) ?? 0) + us);
  profile.samples.forEach((id, i) => {
    const us = profile.timeDeltas[i] ?? 0;
    if (byId.get(id)?.callFrame.functionName === "(idle)") return;
    let activity: string | null = null;
    let source: string | null = null;
    for (let n: number | undefined = id; n !== undefined && !(activity && source); n = parent.get(n)) {
      const frame = byId.get(n)!.callFrame;
      activity ??= activityOf(frame);
      source ??= sourceOf(frame);
    }
    out.totalUs += us;
    add(out.byActivity, activity ?? "other JavaScript (scheduling, parsing, logs)", us);
    add(out.bySource, source ?? "(node internals)", us);
  });
  return out;
}

/** Profile `count` no-op jobs; the worker's profile, broken down. */
export async function profileNoOpJobs(root: string, count: number, port: number): Promise<{ worker: Breakdown; cpu: CpuPerJob }> {
  // Inside the project (dist/ is not committed): the bundle finds its packages from there.
  const scratch = path.join(root, "dist/bench-profile");
  fs.rmSync(scratch, { recursive: true, force: true });
  const build = path.join(scratch, "worker");
  const main = buildWorker(root, build, { sourcemap: true });
  const profiles = path.join(scratch, "profiles");
  const qm = await createInstance({ maxNbProcessors: 2, port });
  let cpu: CpuPerJob | undefined;
  try {
    // The worker alone is profiled (its spawner's CPU per job is measured, not broken down).
    await qm.startWorker({ main, nodeArgs: ["--cpu-prof", `--cpu-prof-dir=${profiles}`, "--cpu-prof-interval=200"] });
    ({ cpu } = await qmThroughput(qm, count, 0));
    await qm.stopWorker();
  } finally {
    await qm.stop();
  }
  const maps = new Map<string, SourceMap>();
  for (const file of fs.readdirSync(build, { recursive: true }) as string[]) {
    if (!file.endsWith(".mjs.map")) continue;
    const mjs = path.join(build, file.slice(0, -4));
    maps.set(`file://${mjs}`, new SourceMap(JSON.parse(fs.readFileSync(path.join(build, file), "utf8"))));
  }
  const found = fs.existsSync(profiles) ? fs.readdirSync(profiles).map((f) => path.join(profiles, f)) : [];
  // The spawner is a C (or Perl) program: only the worker leaves a Node profile.
  const workerFile = found[0];
  if (!workerFile) throw new Error(`no CPU profile of the worker in ${profiles}`);
  const result = { worker: breakDown(workerFile, maps), cpu: cpu! };
  fs.rmSync(scratch, { recursive: true, force: true });
  return result;
}

/** "a 1.2 ms, b 0.4 ms, ...": the largest shares of `perJobMs`, by the breakdown's map. */
export function describeShares(b: Breakdown, of: "byActivity" | "bySource", perJobMs: number, top = 8): string {
  return [...b[of].entries()]
    .sort((x, y) => y[1] - x[1])
    .slice(0, top)
    .map(([k, us]) => `${k} ${((us / b.totalUs) * perJobMs).toFixed(2)} ms`)
    .join(", ");
}
