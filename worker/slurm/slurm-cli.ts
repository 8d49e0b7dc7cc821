/**
 * The Slurm commands QueueManager runs (sbatch, squeue, scancel, sinfo, sacct, scontrol):
 * each through execFile, never a shell, with a timeout, in an environment cleaned of the
 * worker's own SLURM_* / SBATCH_* variables (a worker started inside an allocation must not
 * hand its job id, CPUs or options to the jobs it submits). SLURM_CONF is kept: it says
 * which cluster to talk to.
 */
import { execFile } from "node:child_process";

export class SlurmCommandError extends Error {
  constructor(
    readonly command: string,
    readonly stderr: string,
    readonly timedOut: boolean,
  ) {
    super(`${command}: ${timedOut ? "no answer (timed out)" : stderr.trim().split("\n").slice(-2).join(" ") || "failed"}`);
    this.name = "SlurmCommandError";
  }
}

/** Slurm's words for "try again later": the controller is down, busy, or a submit limit is reached. */
const TRANSIENT = /unable to contact|connection refused|socket timed out|timed out|temporarily unable|temporarily unavailable|try again|zero bytes were transmitted|communication connection failure|standby mode|not responding|MaxSubmit|Job violates accounting\/QOS policy.*Submit|Slurmctld is busy/i;

/** True when a failed command may succeed later unchanged (nothing to fix in the job). */
export function isTransient(error: unknown): boolean {
  return error instanceof SlurmCommandError && (error.timedOut || TRANSIENT.test(error.stderr));
}

/** "Invalid job id": the job is already gone from Slurm (a cancel of it has nothing left to do). */
export const isInvalidJobId = (error: unknown) => error instanceof SlurmCommandError && /invalid job id/i.test(error.stderr);

/** The environment of every Slurm command (and so of every submitted job: sbatch exports it). */
export function slurmEnv(base: NodeJS.ProcessEnv, extra: Record<string, string> = {}): NodeJS.ProcessEnv {
  const env: Record<string, string | undefined> = {};
  for (const [key, value] of Object.entries(base)) {
    if (/^(SLURM|SBATCH|SALLOC|SRUN)_/.test(key) && key !== "SLURM_CONF") continue;
    env[key] = value;
  }
  return { ...env, ...extra } as NodeJS.ProcessEnv;
}

export interface RunOptions {
  /** Text for the command's stdin (sbatch reads the batch script from it). */
  input?: string;
  env?: NodeJS.ProcessEnv;
  timeoutMs?: number;
}

export type SlurmRunner = (command: string, args: string[], opts?: RunOptions) => Promise<string>;

/** Run a Slurm command; its stdout, or a SlurmCommandError with its stderr. */
export function createSlurmRunner(baseEnv: NodeJS.ProcessEnv, defaultTimeoutMs = 30_000): SlurmRunner {
  const cleanEnv = slurmEnv(baseEnv);
  return (command, args, opts = {}) =>
    new Promise((resolve, reject) => {
      const child = execFile(command, args, { env: opts.env ?? cleanEnv, timeout: opts.timeoutMs ?? defaultTimeoutMs, maxBuffer: 64 << 20, killSignal: "SIGKILL" }, (error, stdout, stderr) => {
        if (!error) return resolve(stdout);
        const timedOut = (error as { killed?: boolean }).killed === true;
        const missing = (error as NodeJS.ErrnoException).code === "ENOENT";
        const why = missing ? `${command} is not installed (or not on PATH)` : stderr || error.message;
        reject(new SlurmCommandError(`${command} ${args[0] ?? ""}`.trim(), why, timedOut));
      });
      child.stdin?.on("error", () => undefined);
      child.stdin?.end(opts.input ?? "");
    });
}
