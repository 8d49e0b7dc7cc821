/** The end-of-job mail to a job's owner: plain text, everything they need at a glance. */
import { formatBytes, formatDuration } from "./format";
import { formatGpuList } from "./gpu-sets";
import { formatGpuHours, gpuHours } from "./gpu-usage";
import { cpuEfficiency, formatWalltime } from "./run-limits";

export interface JobMailInput {
  id: number;
  name: string;
  state: string;
  info?: string | null;
  exitCode?: number | null;
  signal?: string | null;
  durationMs: number;
  cpuSeconds?: number | null;
  /** Asked for against used (seff): processors held, memory limit (MiB) and peak, walltime, GPUs held and their use. */
  usage?: {
    granted: number;
    memMb: number | null;
    peakMemoryKb: number | null;
    walltimeSeconds: number | null;
    error?: string | null;
    gpus?: number[];
    /** GPUs asked for: counted when a cluster scheduler (Slurm) chose the devices, so `gpus` is empty. */
    nbGpu?: number;
    gpuMemPeakMb?: number | null;
    gpuUtilMean?: number | null;
  };
  folder: string;
  logTail: string;
  publicUrl: string;
  /** Why it did not run (a cancelled job). */
  reason?: string;
}

const STATUS: Record<string, string> = {
  done: "finished successfully",
  failed: "failed",
  killed: "was killed",
  timeout: "reached its walltime",
  oom: "ran out of memory",
  lost: "was lost",
  invalid: "was rejected",
  cancelled: "was cancelled",
};

/**
 * Is `owner` (a job's e_mail) one plain address, the only kind mailed? A mail library
 * reads "a@x.org, b@y.org" (or `;`, `<...>`, quotes) as several recipients, and an info
 * file's e_mail is anyone's to write: the end-of-job mail, with the job's info and the
 * end of its log, would go to every address listed, from the lab's mail account.
 */
export function isOneMailAddress(owner: string): boolean {
  return /^[^\s@,;<>()"'\\]+@[^\s@,;<>()"'\\]+$/.test(owner);
}

export function buildJobMail(m: JobMailInput): { subject: string; text: string } {
  const status = STATUS[m.state] ?? m.state;
  const outcome = m.signal ? `killed by ${m.signal}` : m.exitCode !== null && m.exitCode !== undefined ? `exit code ${m.exitCode}` : "";
  const link = `${m.publicUrl.replace(/\/+$/, "")}/jobs/${m.id}`;
  const text = [
    `Your QueueManager job "${m.name}" ${status}${outcome ? ` (${outcome})` : ""}.`,
    "",
    `Status:   ${m.state}`,
    ...(m.reason ? [`Why:      ${m.reason}`] : []),
    `Duration: ${formatDuration(m.durationMs)}`,
    `CPU time: ${m.cpuSeconds === null || m.cpuSeconds === undefined ? "unknown" : formatDuration(m.cpuSeconds * 1000)}`,
    ...usageLines(m),
    ...(m.info ? [`Info:     ${m.info}`] : []),
    `Folder:   ${m.folder}`,
    `Details:  ${link}`,
    "",
    ...(m.state === "cancelled" ? ["It did not run."] : ["Last lines of process.log:", ...m.logTail.split("\n").map((l) => `  ${l}`)]),
    "",
  ].join("\n");
  return { subject: `[QM] ${m.name}: ${status}`, text };
}

/** Requested against used, the lines of Slurm's seff that say whether the request fit. */
function usageLines(m: JobMailInput): string[] {
  if (!m.usage) return [];
  const u = m.usage;
  const efficiency = cpuEfficiency(m.cpuSeconds ?? null, m.durationMs / 1000, u.granted);
  return [
    `CPU efficiency: ${efficiency === null ? "unknown" : `${efficiency}% of ${u.granted} processor(s)`}`,
    `Memory:   ${u.peakMemoryKb === null ? "unknown" : formatBytes(u.peakMemoryKb * 1024)}${u.memMb !== null ? ` of ${u.memMb}M` : ""}`,
    ...(u.walltimeSeconds !== null ? [`Walltime: ${formatWalltime(Math.round(m.durationMs / 1000))} of ${formatWalltime(u.walltimeSeconds)}`] : []),
    ...gpuLines(m.durationMs, u),
    ...(u.error && (m.state === "timeout" || m.state === "oom") ? ["", u.error] : []),
  ];
}

/** GPUs held, GPU-hours, and what nvidia-smi saw of them (when it sampled the run). */
function gpuLines(durationMs: number, u: NonNullable<JobMailInput["usage"]>): string[] {
  const count = u.gpus?.length || u.nbGpu || 0;
  if (!count) return [];
  const used = [
    ...(u.gpuMemPeakMb != null ? [`peak GPU memory ${formatBytes(u.gpuMemPeakMb * 1024 * 1024)}`] : []),
    ...(u.gpuUtilMean != null ? [`mean utilisation ${u.gpuUtilMean}%`] : []),
  ];
  const which = u.gpus?.length ? formatGpuList(u.gpus) : `${count}, chosen by the cluster`;
  return [`GPUs:     ${which}, ${formatGpuHours(gpuHours(durationMs / 1000, count)!)}${used.length ? `; ${used.join(", ")}` : ""}`];
}

/** The last `count` lines of a log text (without a trailing empty line). */
export function lastLines(text: string, count = 20): string {
  const lines = text.replace(/\n$/, "").split("\n");
  return lines.slice(-count).join("\n");
}
