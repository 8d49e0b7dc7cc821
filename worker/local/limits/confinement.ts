/**
 * How a run is held to what it asked for on this machine: its CPUs (pinned), its memory
 * (a hard limit), and an exact account of what it used. Three ways, detected at start
 * (or forced by the `Limits` key): control groups v2, control groups v1, or, without
 * control groups, CPU affinity and an address-space rlimit (weaker; docs/limits.md).
 */

export type LimitsMode = "cgroup2" | "cgroup1" | "none";

/** What a run needs held: CPUs to pin it to, and a memory limit (MiB, or none). */
export interface ConfineRequest {
  cpus: number[];
  memMb: number | null;
  /**
   * GPUs of GPU_List that are not the run's: where the devices controller is available
   * (control groups v1), their device files (/dev/nvidia<index>) are denied to it.
   */
  denyGpus?: number[];
}

/** What the run's cgroup counted (exact, children that left the process group included). */
export interface CgroupUsage {
  cpuSeconds: number;
  memoryKb: number;
  /** The highest memory use so far, when the kernel keeps it. */
  peakKb: number | null;
}

/** One run's confinement. */
export interface Confinement {
  /** cgroup.procs files the run's wrapper joins before it starts the job. */
  procsFiles: string[];
  /** Commands put in front of the job's own (the rlimit way: taskset, prlimit). */
  prefix: string[];
  /** Pids in the run's cgroup (empty without cgroups). */
  members(): number[];
  usage(): CgroupUsage | null;
  /** How many processes the kernel killed for memory in this run. */
  oomKills(): number;
  /**
   * Remove the cgroup once nothing is left in it. `final`: what was read after the run's
   * last process was seen gone (nothing can join a run's cgroup after its wrapper), so the
   * removal need not read it again.
   */
  remove(final?: FinalReading): void;
}

/** A run's cgroup read once it held no process: its counts cannot change any more. */
export interface FinalReading {
  usage: CgroupUsage | null;
  oomKills: number;
}

export interface Limits {
  readonly mode: LimitsMode;
  /** One sentence for the start line and the dashboard. */
  readonly description: string;
  confine(runToken: string, request: ConfineRequest): Confinement;
  /** The confinement of a run an earlier worker started (adoption), or null. */
  find(runToken: string): Confinement | null;
  /** At start: remove the empty cgroups of runs that are over (`known`: the runs still going). */
  sweep(known: Set<string>): void;
  /** A start may be near: get the kernel ready to move a process into a cgroup (cgroup-files.ts). */
  warmUp(): void;
  /**
   * The worker stops: remove this instance's own cgroup folder where no run is left in it
   * (runs that go on keep it). True when nothing of the instance is left. `runsGoOn`: runs
   * this worker started go on (Shutdown_Jobs = keep); one started a moment ago may not
   * have joined its cgroups yet, so none it may join is removed.
   */
  release(runsGoOn?: boolean): boolean;
}

/** A confinement that holds nothing and counts nothing. */
export const NO_CONFINEMENT: Confinement = {
  procsFiles: [],
  prefix: [],
  members: () => [],
  usage: () => null,
  oomKills: () => 0,
  remove: () => undefined,
};
