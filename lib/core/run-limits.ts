/**
 * The memory and walltime limits a run gets: what the job asks for (`mem`, `walltime`),
 * or the configured default when it asks nothing, capped by the configured maximum (with
 * a note for process.log, as nb_proc is clamped to MaxNbProcessors). Pure.
 */

export interface LimitSettings {
  /** MiB; null: no default (no limit unless the job asks). */
  defaultMemMb: number | null;
  maxMemMb: number | null;
  /** Seconds. */
  defaultWalltimeSeconds: number | null;
  maxWalltimeSeconds: number | null;
}

export interface RunLimits {
  memMb: number | null;
  walltimeSeconds: number | null;
  notes: string[];
}

const pick = (asked: number | null, fallback: number | null, max: number | null, what: string, show: (v: number) => string, notes: string[]) => {
  const value = asked ?? fallback;
  if (value !== null && max !== null && value > max) {
    notes.push(`${what} ${show(value)} is more than the maximum ${show(max)}; this run gets ${show(max)}`);
    return max;
  }
  return value;
};

export function runLimits(job: { memMb: number | null; walltimeSeconds: number | null }, settings: LimitSettings): RunLimits {
  const notes: string[] = [];
  const memMb = pick(job.memMb, settings.defaultMemMb, settings.maxMemMb, "mem", (mb) => `${mb}M`, notes);
  const walltimeSeconds = pick(job.walltimeSeconds, settings.defaultWalltimeSeconds, settings.maxWalltimeSeconds, "walltime", formatWalltime, notes);
  return { memMb, walltimeSeconds, notes };
}

/** Seconds as Slurm writes a time limit: MM:SS, HH:MM:SS or D-HH:MM:SS. */
export function formatWalltime(seconds: number): string {
  const d = Math.floor(seconds / 86_400);
  const h = Math.floor((seconds % 86_400) / 3600);
  const m = Math.floor((seconds % 3600) / 60);
  const s = seconds % 60;
  const two = (n: number) => String(n).padStart(2, "0");
  if (d) return `${d}-${two(h)}:${two(m)}:${two(s)}`;
  return h ? `${h}:${two(m)}:${two(s)}` : `${m}:${two(s)}`;
}

/** CPU efficiency as Slurm's seff reports it: CPU time / (wall time x CPUs held), in %. */
export function cpuEfficiency(cpuSeconds: number | null, wallSeconds: number | null, cpus: number): number | null {
  if (cpuSeconds === null || !wallSeconds || wallSeconds <= 0 || cpus <= 0) return null;
  return Math.round((cpuSeconds / (wallSeconds * cpus)) * 1000) / 10;
}
