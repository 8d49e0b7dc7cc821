/** The variables every run of a job gets, whatever executor runs it. */
import { gpuEnv } from "../lib/core/gpu-sets";
import type { LaunchSpec } from "./executor";

export function jobVariables(spec: LaunchSpec): Record<string, string> {
  const n = String(spec.granted);
  // The devices the worker chose, or none (empty: CUDA sees no GPU). GPUs asked of a
  // scheduler that picks them itself (Slurm, --gres=gpu:N) are set by that scheduler.
  const gpus = spec.gpus.length || !spec.nbGpu ? gpuEnv(spec.gpus) : {};
  return {
    ...spec.extraEnv, ...gpus, NB_PROC: n, OMP_NUM_THREADS: n, MKL_NUM_THREADS: n, OPENBLAS_NUM_THREADS: n,
    QM_JOB_NAME: spec.name, QM_JOB_DIR: spec.dir, QM_JOB_ID: String(spec.jobId), QM_RUN_TOKEN: spec.runToken,
  };
}
