/**
 * What QueueManager hands to sbatch for one run: the options (pure, from the job and
 * QMserv.cfg) and the batch script, a small POSIX wrapper fed on sbatch's stdin. The
 * wrapper runs the job's command in the job folder, waits for it (also through signals),
 * and writes the run's exit record (lib/core/exit-record) into QM_FOLDER/.qm/runs, which
 * is what decides the job's end state: no accounting database is needed.
 *
 * Walltime: `--time` is in minutes (Slurm's unit), and `--signal=B:USR1@<lead>` warns the
 * wrapper shortly before the limit (Slurm may send it up to a minute early). The wrapper
 * then leaves a `<runToken>.timeout` mark beside the exit record and stops the job with
 * SIGTERM, so the job can save its state and the record is written before Slurm's own kill.
 */
import path from "node:path";
import { WRITE_EXIT_RECORD, exitRecordName } from "../../lib/core/exit-record";
import { LOG_FILE } from "../../lib/core/job-log";
import { JOB_DEFAULT_OPTIONS, withoutOptions } from "../../lib/core/sbatch-args";
import type { LaunchSpec } from "../executor";

/** Where QueueManager's settings for Slurm come from (QMserv.cfg). */
export interface SubmitSettings {
  partition: string;
  account: string;
  sbatchArgs: string[];
}

/** The Slurm job name of a run: how it is found again after a restart, without any database. */
export const slurmJobName = (jobId: number, runToken: string) => `qm-${jobId}-${runToken}`;

/** The job id and run token in a Slurm job name of ours; null for any other name. */
export function parseSlurmJobName(name: string): { jobId: number; runToken: string } | null {
  const m = /^qm-(\d+)-([\w-]+)$/.exec(name);
  return m ? { jobId: Number(m[1]), runToken: m[2] } : null;
}

/** The name of the mark the wrapper leaves when the walltime warning came. */
export const timeoutMarkName = (runToken: string) => `${runToken}.timeout`;

/** Seconds between the walltime warning and the limit: a minute, less for short walltimes. */
export function warningLeadSeconds(minutes: number): number {
  return Math.max(10, Math.min(60, minutes * 10));
}

/** A file name for sbatch's --output: `%` starts a replacement pattern there (%j, %x...). */
const outputPath = (file: string) => file.replace(/%/g, "%%");

/** Single-quote a word for the POSIX shell: nothing inside is expanded. */
export const shellQuote = (word: string) => `'${word.replace(/'/g, `'\\''`)}'`;

export function sbatchArgs(spec: LaunchSpec, settings: SubmitSettings): string[] {
  const args = ["--parsable", `--job-name=${slurmJobName(spec.jobId, spec.runToken)}`, `--chdir=${spec.dir}`, `--output=${outputPath(path.join(spec.dir, LOG_FILE))}`, "--open-mode=append", "--no-requeue", "--nodes=1", "--ntasks=1", `--cpus-per-task=${spec.granted}`];
  if (spec.memMb) args.push(`--mem=${spec.memMb}M`);
  if (spec.nbGpu > 0) args.push(`--gres=gpu:${spec.nbGpu}`);
  if (spec.walltimeSeconds) {
    const minutes = Math.max(1, Math.ceil(spec.walltimeSeconds / 60));
    args.push(`--time=${minutes}`, `--signal=B:USR1@${warningLeadSeconds(minutes)}`);
  }
  if (settings.partition) args.push(`--partition=${settings.partition}`);
  if (settings.account) args.push(`--account=${settings.account}`);
  // slurm_sbatch_args' --mem and --time are defaults: a job that asks for its own goes without them.
  const overridden = [...(spec.memMb ? JOB_DEFAULT_OPTIONS.mem : []), ...(spec.walltimeSeconds ? JOB_DEFAULT_OPTIONS.walltime : [])];
  return [...args, ...withoutOptions(settings.sbatchArgs, overridden)];
}

/**
 * nb_gpu > 0: Slurm has set CUDA_VISIBLE_DEVICES to the run's devices; the other names
 * follow it. nb_gpu = 0: on a node with GPUs Slurm unsets it, and CUDA would then see
 * every device: it is set empty, as for local runs.
 */
const GPU_LINES = `export QM_GPUS="\${CUDA_VISIBLE_DEVICES-}" NVIDIA_VISIBLE_DEVICES="\${CUDA_VISIBLE_DEVICES-}"
printf '=== GPUs given by Slurm: %s\\n' "\${CUDA_VISIBLE_DEVICES:-none}"
`;
const NO_GPU_LINE = "export CUDA_VISIBLE_DEVICES= NVIDIA_VISIBLE_DEVICES= QM_GPUS=\n";

/** The batch script of one run; `runsDir` is QM_FOLDER/.qm/runs (the same path on every node). */
export function wrapperScript(spec: LaunchSpec, runsDir: string): string {
  const record = path.join(runsDir, exitRecordName(spec.runToken));
  return `#!/bin/sh
# QueueManager job ${spec.jobId}, run ${spec.runToken}: runs the job's command, then records how it ended.
qm_exit=${shellQuote(record)}
qm_mark=${shellQuote(path.join(runsDir, timeoutMarkName(spec.runToken)))}
printf '=== Slurm job %s started %s on %s\\n' "$SLURM_JOB_ID" "$(date -u +%Y-%m-%dT%H:%M:%SZ)" "$(hostname)"
${spec.nbGpu > 0 ? GPU_LINES : NO_GPU_LINE}trap 'qm_sig=1' TERM INT HUP
trap ': > "$qm_mark"; echo "=== QueueManager: the walltime ends: stopping the job (SIGTERM)"; kill -TERM 0' USR1
/bin/sh -c ${shellQuote(spec.script)} &
qm_child=$!
while :; do
  wait "$qm_child"; qm_status=$?
  [ "$qm_status" -gt 128 ] || break
  kill -0 "$qm_child" 2>/dev/null && continue
  wait "$qm_child"; qm_again=$?
  [ "$qm_again" -ne 127 ] && qm_status=$qm_again
  break
done
${WRITE_EXIT_RECORD}
exit "$qm_status"
`;
}
