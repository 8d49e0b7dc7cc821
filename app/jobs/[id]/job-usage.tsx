"use client";
import type { JobDetail } from "@/lib/core/api-types";
import { formatBytes, formatDuration } from "@/lib/core/format";
import { formatGpuHours, gpuHours } from "@/lib/core/gpu-usage";
import { cpuEfficiency, formatWalltime } from "@/lib/core/run-limits";
import { Fact } from "./job-fact";

/** Asked for against used, as Slurm's seff shows it: CPU efficiency, peak memory, walltime, GPU-hours and GPU use. */
export function JobUsage({ job, elapsedMs }: { job: JobDetail; elapsedMs: number | null }) {
  const r = job.resources;
  const wallSeconds = elapsedMs === null ? null : elapsedMs / 1000;
  const efficiency = job.finishedAt ? cpuEfficiency(job.cpuSeconds, wallSeconds, r.granted) : null;
  const peakMb = job.peakMemoryKb === null ? null : job.peakMemoryKb / 1024;
  return (
    <div className="grid grid-cols-2 gap-4 border-t border-slate-100 pt-4 text-sm sm:grid-cols-4" data-testid="job-usage">
      <Fact label="Processors" testId="usage-cpus">
        {r.granted}
        {r.cpus !== null && <span className="ml-2 text-xs text-slate-500">CPUs {r.cpus}</span>}
      </Fact>
      <Fact label="CPU efficiency" testId="usage-efficiency">
        {efficiency === null ? "—" : `${efficiency}%`}
        {job.cpuSeconds !== null && <span className="ml-2 text-xs text-slate-500">{formatDuration(job.cpuSeconds * 1000)} CPU</span>}
      </Fact>
      <Fact label="Memory" testId="usage-memory">
        {peakMb === null ? "—" : formatBytes(job.peakMemoryKb! * 1024)}
        {r.memMb !== null && (
          <span className="ml-2 text-xs text-slate-500">
            of {r.memMb}M{peakMb !== null && ` (${Math.round((peakMb / r.memMb) * 100)}%)`}
          </span>
        )}
      </Fact>
      <Fact label="Walltime" testId="usage-walltime">
        {wallSeconds === null ? "—" : formatWalltime(Math.round(wallSeconds))}
        {r.walltimeSeconds !== null && <span className="ml-2 text-xs text-slate-500">of {formatWalltime(r.walltimeSeconds)}</span>}
      </Fact>
      {r.gpus !== null && (
        <Fact label="GPUs" testId="usage-gpus">
          {r.gpus}
          {wallSeconds !== null && <span className="ml-2 text-xs text-slate-500">{formatGpuHours(gpuHours(wallSeconds, job.nbGpu)!)}</span>}
          {job.gpuMemPeakMb !== null && <div className="text-xs text-slate-500">peak GPU memory {formatBytes(job.gpuMemPeakMb * 1024 * 1024)}</div>}
          {job.gpuUtilMean !== null && <div className="text-xs text-slate-500">mean utilisation {job.gpuUtilMean}%</div>}
        </Fact>
      )}
      {r.runAs && (
        <Fact label="Runs as" testId="usage-run-as">
          {r.runAs}
        </Fact>
      )}
    </div>
  );
}
