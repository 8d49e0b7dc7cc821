/**
 * What a no-op run costs without the worker: each spawner (worker/local/spawner.c, and the
 * Perl one it replaces where no C compiler is, spawner.pl) driven directly, two runs at a time as MaxNbProcessors 2 allows, `/bin/sh -c true` each, with
 * what a real run adds step by step: the run's uid, then its control groups (the real
 * Limits, as the worker detects them). And the floor of any such start: a small Perl
 * process forking and exec'ing `sh -c true`. The gap between these and the throughput
 * round is the worker's share; what is left is the price of containing each run. Medians
 * of alternated rounds, beside task-spooler's rate from the same rounds.
 */
import { spawnSync } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { detectLimits } from "../../worker/local/limits/detect-limits";
import { type SpawnerKind, defaultSpawnerKind, startSpawner } from "../../worker/local/spawner-client";
import { cpuSeconds } from "../lib/proc";
import { median } from "../lib/stats";

export interface RunCost {
  what: string;
  runsPerSecond: number;
  /** CPU ms per run: the spawner itself, and the run's processes (wrapper, shell). */
  spawnerMs: number;
  runMs: number;
}

/** An unused uid of the default pool's range, for the runs' identity (none needs a passwd entry). */
const BENCH_UID = 64999;

/** The medians over rounds, and task-spooler's jobs/s measured in the same rounds (when given). */
export interface RunFloor {
  costs: RunCost[];
  tspRate: number | null;
}

/**
 * `count` runs per variant and round; root needed for the uid and cgroup variants (skipped
 * otherwise). The variants take turns within each round, in reverse order every other
 * round, with a task-spooler round (`tspRound`: its jobs/s) among them: this machine's
 * speed drifts within minutes, and one variant after another would put the drift between
 * them.
 */
export async function measureRunFloor(count: number, rounds: number, tspRound?: () => Promise<number>): Promise<RunFloor> {
  const root = process.getuid?.() === 0;
  const variants: { what: string; uid: boolean; cgroups: boolean }[] = [
    { what: "run as root", uid: false, cgroups: false },
    ...(root ? [{ what: "run as its uid", uid: true, cgroups: false }, { what: "run as its uid in its cgroups", uid: true, cgroups: true }] : []),
  ];
  const kinds: SpawnerKind[] = defaultSpawnerKind() === "c" ? ["perl", "c"] : ["perl"];
  const steps: (() => Promise<RunCost>)[] = [async () => floorOfForkExec(count)];
  for (const v of variants) for (const kind of kinds) steps.push(() => spawnerRuns(count, kind, `${kind === "c" ? "C" : "Perl"} spawner, ${v.what}`, v.uid, v.cgroups));
  const samples = steps.map(() => [] as RunCost[]);
  const tspRates: number[] = [];
  for (let r = 0; r < rounds; r++) {
    const order = steps.map((_, i) => i);
    if (r % 2) order.reverse();
    for (const [at, i] of order.entries()) {
      if (tspRound && at === Math.floor(order.length / 2)) tspRates.push(await tspRound());
      samples[i].push(await steps[i]());
    }
  }
  const costs = samples.map((runs) => ({
    what: runs[0].what,
    runsPerSecond: median(runs.map((x) => x.runsPerSecond)),
    spawnerMs: median(runs.map((x) => x.spawnerMs)),
    runMs: median(runs.map((x) => x.runMs)),
  }));
  return { costs, tspRate: tspRates.length ? median(tspRates) : null };
}

function floorOfForkExec(count: number): RunCost {
  const script = `use POSIX; my @t0 = times; my $s = time; for (1..${count}) { my $p = fork(); if (!$p) { exec('/bin/sh', '-c', 'true'); POSIX::_exit(127) } waitpid($p, 0) } my @t1 = times; print join(' ', $t1[0] + $t1[1] - $t0[0] - $t0[1], $t1[2] + $t1[3] - $t0[2] - $t0[3]), "\\n";`;
  const t0 = performance.now();
  const [self, children] = spawnSync("perl", ["-e", script], { encoding: "utf8" }).stdout.trim().split(" ").map(Number);
  const seconds = (performance.now() - t0) / 1000;
  return { what: "floor: perl forks and execs sh -c true, one at a time", runsPerSecond: count / seconds, spawnerMs: (self * 1000) / count, runMs: (children * 1000) / count };
}

async function spawnerRuns(count: number, kind: SpawnerKind, what: string, uid: boolean, cgroups: boolean): Promise<RunCost> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "qm-bench-floor-"));
  fs.chmodSync(dir, 0o1777);
  const limits = cgroups ? detectLimits("auto", `bench-floor-${process.pid}`) : null;
  const spawner = startSpawner(process.env, () => undefined, kind);
  try {
    // The spawner's pid: the child of ours running it.
    await new Promise((r) => setTimeout(r, 200));
    const program = kind === "c" ? "qm-spawner" : "spawner.pl";
    const pid = spawnSync("pgrep", ["-P", String(process.pid), "-f", program], { encoding: "utf8" }).stdout.trim().split("\n").map(Number)[0];
    const cpu0 = [cpuSeconds(pid), cpuSeconds(pid, "children")];
    const t0 = performance.now();
    const lane = async (cpu: number) => {
      for (let i = cpu; i < count; i += 2) {
        const token = `floor${i}`;
        const confinement = limits?.confine(token, { cpus: [cpu % os.availableParallelism()], memMb: null });
        const { ended } = await spawner.spawn({
          dir, log: path.join(dir, "log"), header: "", exitRecord: path.join(dir, `${token}.exit`), cgroups: confinement?.procsFiles ?? [],
          runAs: uid ? { uid: BENCH_UID, gid: BENCH_UID } : null, command: ["/bin/sh", "-c", "true"], env: { QM_RUN_TOKEN: token },
        });
        await ended;
        confinement?.remove();
      }
    };
    await Promise.all([lane(0), lane(1)]);
    const seconds = (performance.now() - t0) / 1000;
    return { what, runsPerSecond: count / seconds, spawnerMs: ((cpuSeconds(pid) - cpu0[0]) * 1000) / count, runMs: ((cpuSeconds(pid, "children") - cpu0[1]) * 1000) / count };
  } finally {
    spawner.close();
    limits?.release();
    fs.rmSync(dir, { recursive: true, force: true });
  }
}
