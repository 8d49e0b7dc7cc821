/** What the API sends about a job; details hidden from non-admins when Display_details is off. */
import type { JobDetail, JobResources, JobSummary } from "../../core/api-types";
import { formatCpuList } from "../../core/cpu-sets";
import { formatGpuList } from "../../core/gpu-sets";
import { type GrantRules, processorsToGrant } from "../../core/grant-notes";
import { isWaitingState } from "../../core/job-lifecycle";
import { slurmRunInfoOf } from "../../core/slurm-run-info";
import type { Job, JobEvent } from "../generated/prisma/client";

const iso = (d: Date | null) => (d ? d.toISOString() : null);

/** QMserv.cfg's rule of the processors a waiting job will get (a QmConfig is one). */
export type ProcessorRules = Pick<GrantRules, "executor" | "maxNbProcessors">;

/**
 * The run's resources from Job.runInfo (written by the worker at start), else what the job
 * asked; with `rules`, a waiting job's processors are those it will get (nb_proc 4 runs on
 * 2 under MaxNbProcessors = 2 with the local executor), as its notes say.
 */
export function resourcesOf(job: Pick<Job, "runInfo" | "nbProc" | "nbGpu" | "memMb" | "walltimeSeconds" | "state">, rules?: ProcessorRules): JobResources {
  let run: { executor?: string; granted?: number; cpus?: number[]; gpus?: number[]; memMb?: number | null; walltimeSeconds?: number | null; user?: string } = {};
  try {
    run = job.runInfo ? JSON.parse(job.runInfo) : {};
  } catch {
    run = {};
  }
  return {
    granted: run.granted ?? (rules && isWaitingState(job.state) ? processorsToGrant(job.nbProc, rules) : job.nbProc),
    cpus: Array.isArray(run.cpus) && run.cpus.length ? formatCpuList(run.cpus) : null,
    gpus: Array.isArray(run.gpus) && run.gpus.length ? formatGpuList(run.gpus) : run.executor === "slurm" && job.nbGpu > 0 ? `${job.nbGpu}, chosen by Slurm` : null,
    memMb: run.memMb !== undefined ? run.memMb : job.memMb,
    walltimeSeconds: run.walltimeSeconds !== undefined ? run.walltimeSeconds : job.walltimeSeconds,
    runAs: run.user ?? null,
  };
}

/** A job row with its account's name, when the query included it (WITH_ACCOUNT). */
export type JobWithAccount = Job & { user?: { username: string } | null };

/** What a query of jobs includes for toJobSummary to name their account. */
export const WITH_ACCOUNT = { user: { select: { username: true } } } as const;

/** `rules`: QMserv.cfg's, for a waiting job's processors (resourcesOf). */
export function toJobSummary(job: JobWithAccount, showDetails: boolean, rules?: ProcessorRules): JobSummary {
  return {
    id: job.id,
    name: job.name,
    state: job.state,
    owner: showDetails ? job.owner : null,
    account: showDetails ? (job.user?.username ?? null) : null,
    info: showDetails ? job.info : null,
    nbProc: job.nbProc,
    nbGpu: job.nbGpu,
    priority: job.priority,
    source: job.source,
    submittedAt: job.submittedAt.toISOString(),
    startedAt: iso(job.startedAt),
    finishedAt: iso(job.finishedAt),
    exitCode: job.exitCode,
    signal: job.signal,
    progress: job.progress,
    killRequested: job.killRequestedAt !== null,
    error: job.error,
    imported: job.imported,
    purgedAt: iso(job.purgedAt),
    arrayId: job.arrayId,
    arrayIndex: job.arrayIndex,
    // The Unix account a job runs as is its owner's own under Run_As.
    resources: { ...resourcesOf(job, rules), ...(showDetails ? {} : { runAs: null }) },
    slurm: slurmRunInfoOf(job.runInfo),
  };
}

/** The job's own columns; its place in the queue comes from jobQueueDetails. */
export function toJobDetail(job: JobWithAccount & { events: JobEvent[] }, showDetails: boolean, rules?: ProcessorRules): Omit<JobDetail, "dependsOn" | "array" | "fairShare"> {
  let params: Record<string, string> | null = null;
  if (showDetails) {
    try {
      params = JSON.parse(job.params) as Record<string, string>;
    } catch {
      params = {};
    }
  }
  return {
    ...toJobSummary(job, showDetails, rules),
    script: showDetails ? job.script : null,
    folder: job.folder,
    params,
    cpuSeconds: job.cpuSeconds,
    peakMemoryKb: job.peakMemoryKb,
    gpuMemPeakMb: job.gpuMemPeakMb,
    gpuUtilMean: job.gpuUtilMean,
    // Details name people ("owned by ann", "mail to ann@lab.org", "kill requested by ann"): hidden with the owner.
    events: job.events.map((e) => ({ at: e.at.toISOString(), kind: e.kind, detail: showDetails ? e.detail : null })),
  };
}
