/**
 * A job asking for more GPUs than the worker hands out is refused at submit. The web app
 * does not know the machine's GPUs: the worker publishes GPU_List (`auto` resolved) in its
 * heartbeat, and that is what is checked. No worker has said yet: accepted, and the
 * worker cancels the job at dispatch if it must (worker/cancel-waiting.ts), with the same words.
 */
import { AppError } from "../../core/app-error";
import { tooManyGpusReason } from "../../core/gpu-sets";
import type { Sql } from "../store/sql";
import { readWorkerGpus } from "../store/worker-status";

export async function checkGpuRequest(sql: Sql, fileName: string, nbGpu: number): Promise<void> {
  if (nbGpu <= 0) return;
  const gpus = await readWorkerGpus(sql);
  const reason = gpus && tooManyGpusReason(nbGpu, gpus);
  if (reason) throw new AppError("INVALID_INPUT", `${fileName}: this job cannot run here: ${reason}`);
}
