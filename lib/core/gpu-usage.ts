/**
 * What nvidia-smi says, read: the GPUs of the machine (`nvidia-smi -L`), and each
 * device's utilisation and memory (one `--query-gpu` call for all of them), folded per
 * job into its peak GPU memory and mean utilisation. Pure; the worker runs the commands
 * (worker/gpus/). Formats in docs/gpus.md.
 */

/** The one sampling call: every device, one CSV line each (`0, 87, 10240`). */
export const GPU_QUERY_ARGS = ["--query-gpu=index,utilization.gpu,memory.used", "--format=csv,noheader,nounits"];

/** One device at one moment; null where nvidia-smi says `[N/A]` or `[Not Supported]`. */
export interface GpuReading {
  index: number;
  /** utilization.gpu, percent of the sample period a kernel ran. */
  utilPercent: number | null;
  /** memory.used, MiB. */
  memoryMb: number | null;
}

const numberOrNull = (field: string | undefined) => (field !== undefined && /^\d+(\.\d+)?$/.test(field) ? Number(field) : null);

/** The `--query-gpu` CSV (GPU_QUERY_ARGS); lines that are not `index, util, memory` are skipped. */
export function parseGpuQuery(text: string): GpuReading[] {
  const readings: GpuReading[] = [];
  for (const line of text.split(/\r?\n/)) {
    const fields = line.split(",").map((f) => f.trim());
    if (fields.length !== 3 || !/^\d+$/.test(fields[0])) continue;
    readings.push({ index: Number(fields[0]), utilPercent: numberOrNull(fields[1]), memoryMb: numberOrNull(fields[2]) });
  }
  return readings;
}

/** The indices of `nvidia-smi -L` (`GPU 0: NVIDIA A100 (UUID: ...)`); MIG lines below a GPU are not GPUs of their own. */
export function parseGpuListing(text: string): number[] {
  return [...text.matchAll(/^GPU (\d+):/gm)].map((m) => Number(m[1]));
}

/** A running job's GPU use so far. */
export interface GpuUsage {
  /** The highest memory its devices held together at one sample, MiB. */
  peakMemoryMb: number | null;
  utilSum: number;
  utilCount: number;
}

export const NO_GPU_USAGE: GpuUsage = Object.freeze({ peakMemoryMb: null, utilSum: 0, utilCount: 0 });

/** Fold one sample into a job's use: its own devices only. */
export function addGpuSample(usage: GpuUsage, devices: readonly number[], readings: readonly GpuReading[]): GpuUsage {
  const own = readings.filter((r) => devices.includes(r.index));
  const memories = own.flatMap((r) => (r.memoryMb === null ? [] : [r.memoryMb]));
  const utils = own.flatMap((r) => (r.utilPercent === null ? [] : [r.utilPercent]));
  const memory = memories.length ? memories.reduce((a, b) => a + b, 0) : null;
  return {
    peakMemoryMb: memory === null ? usage.peakMemoryMb : Math.max(usage.peakMemoryMb ?? 0, memory),
    utilSum: usage.utilSum + utils.reduce((a, b) => a + b, 0),
    utilCount: usage.utilCount + utils.length,
  };
}

/** What is recorded with the job at its end (Job.gpuMemPeakMb, Job.gpuUtilMean); null: never sampled. */
export function gpuUsageSummary(usage: GpuUsage): { gpuMemPeakMb: number | null; gpuUtilMean: number | null } {
  return {
    gpuMemPeakMb: usage.peakMemoryMb === null ? null : Math.round(usage.peakMemoryMb),
    gpuUtilMean: usage.utilCount ? Math.round((usage.utilSum / usage.utilCount) * 10) / 10 : null,
  };
}

/** GPU-hours of a run: wall time x devices held, as Slurm bills gres. */
export function gpuHours(wallSeconds: number | null, nbGpu: number): number | null {
  return wallSeconds === null || nbGpu <= 0 ? null : (Math.max(0, wallSeconds) * nbGpu) / 3600;
}

/** "1.25": GPU-hours with a precision that keeps short runs readable (a column of GPU-hours). */
export function formatGpuHoursValue(hours: number): string {
  return hours.toFixed(hours < 0.1 ? 3 : 2);
}

/** "1.25 GPU-hours". */
export function formatGpuHours(hours: number): string {
  return `${formatGpuHoursValue(hours)} GPU-hour${hours === 1 ? "" : "s"}`;
}
