/**
 * While jobs holding GPUs run, every few seconds: one nvidia-smi call for every device
 * (lib/core/gpu-usage.ts GPU_QUERY_ARGS), each reading folded into the use of the job
 * that holds the device. The job's peak GPU memory and mean utilisation are recorded at
 * its end (finish.ts). Without nvidia-smi, or with no GPU job running, nothing runs.
 */
import { execFile } from "node:child_process";
import { promisify } from "node:util";
import { GPU_QUERY_ARGS, addGpuSample, parseGpuQuery } from "../../lib/core/gpu-usage";
import { type WorkerContext, message } from "../context";

const run = promisify(execFile);

export const GPU_SAMPLE_MS = 5_000;

export interface GpuSampler {
  /** Start sampling if a job holding GPUs runs (called after each launch). */
  ensure(): void;
  stop(): void;
}

export function createGpuSampler(ctx: WorkerContext, nvidiaSmi: string | null, periodMs = GPU_SAMPLE_MS): GpuSampler {
  let timer: NodeJS.Timeout | undefined;
  let busy = false;
  const holders = () => [...ctx.running.values()].filter((job) => job.gpus.length);

  const tick = async () => {
    if (busy) return;
    if (!holders().length) return stop();
    busy = true;
    try {
      const { stdout } = await run(nvidiaSmi!, GPU_QUERY_ARGS, { timeout: periodMs * 2 });
      const readings = parseGpuQuery(stdout);
      for (const job of holders()) job.gpuUsage = addGpuSample(job.gpuUsage, job.gpus, readings);
    } catch (error) {
      ctx.debug(`GPU sample: nvidia-smi failed: ${message(error)}`);
    } finally {
      busy = false;
    }
  };

  function stop() {
    clearInterval(timer);
    timer = undefined;
  }

  return {
    ensure() {
      if (nvidiaSmi && !timer && holders().length) timer = setInterval(() => void tick(), periodMs);
    },
    stop,
  };
}
