/** The variables every run of a job gets, whatever executor runs it. */
import type { LaunchSpec } from "./executor";

export function jobVariables(spec: LaunchSpec): Record<string, string> {
  const n = String(spec.granted);
  return { ...spec.extraEnv, NB_PROC: n, OMP_NUM_THREADS: n, MKL_NUM_THREADS: n, OPENBLAS_NUM_THREADS: n, QM_JOB_NAME: spec.name, QM_JOB_DIR: spec.dir, QM_JOB_ID: String(spec.jobId), QM_RUN_TOKEN: spec.runToken };
}
