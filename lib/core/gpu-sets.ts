/**
 * Which GPUs a run gets: `nb_gpu` devices of those the worker may hand out (GPU_List),
 * never one that another running job holds: two jobs on one GPU run out of memory or
 * crawl, so unlike CPUs a device is never shared. Pure, so the rule is unit-tested; also
 * the GPU_List value, the refusal of a job asking more than exist, and the environment
 * that tells CUDA which devices a job may use.
 */
import { parseCpuList } from "./cpu-sets";

/** GPU_List as written: device indices, or `auto` (whatever `nvidia-smi -L` lists at start). */
export type GpuListSetting = "auto" | number[];

/** `0,1,2`, `0-3`, `auto`, or empty (no GPU for jobs); throws with the reason on anything else. */
export function parseGpuList(text: string): GpuListSetting {
  const value = text.trim();
  if (value.toLowerCase() === "auto") return "auto";
  return parseCpuList(value, "GPU");
}

/** [2,0] -> "0,2": the form CUDA_VISIBLE_DEVICES takes (and the one people write). */
export function formatGpuList(gpus: readonly number[]): string {
  return [...new Set(gpus)].sort((a, b) => a - b).join(",");
}

/** How many of `available` no running job holds (`held`: the device lists of the running jobs). */
export function freeGpuCount(available: readonly number[], held: readonly (readonly number[])[]): number {
  const taken = new Set(held.flat());
  return available.filter((gpu) => !taken.has(gpu)).length;
}

/**
 * `count` devices for a new run: the lowest free ones. Null when fewer are free: the
 * scheduler's GPU budget never starts such a run, so null is a bug the caller reports.
 */
export function chooseGpus(available: readonly number[], held: readonly (readonly number[])[], count: number): number[] | null {
  if (count <= 0) return [];
  const taken = new Set(held.flat());
  const free = available.filter((gpu) => !taken.has(gpu)).sort((a, b) => a - b);
  return free.length >= count ? free.slice(0, count) : null;
}

/**
 * Why a job can never run on this worker (it asks for more GPUs than GPU_List holds), in
 * words for its owner; null when it can. The web app says it at submit, the worker when
 * it cancels such a job (one dropped in by hand, or queued before GPU_List shrank).
 */
export function tooManyGpusReason(nbGpu: number, gpus: readonly number[]): string | null {
  if (nbGpu <= gpus.length) return null;
  const has = gpus.length ? `${gpus.length} GPU${gpus.length === 1 ? "" : "s"} for jobs (GPU_List = ${formatGpuList(gpus)})` : "no GPU for jobs (GPU_List is empty)";
  const fix = gpus.length ? `ask for ${gpus.length} or fewer` : "remove nb_gpu, or ask the administrator to set GPU_List";
  return `it asks for ${nbGpu} GPU${nbGpu === 1 ? "" : "s"} (nb_gpu = ${nbGpu}) and this server has ${has}; ${fix}`;
}

/**
 * A job's GPU environment: exactly its devices, the same list in the three variables
 * programs read (CUDA, the NVIDIA container runtime, scripts). No device: empty, so CUDA
 * sees none. CUDA numbers devices fastest first unless told PCI_BUS_ID, the order
 * nvidia-smi's indices (and GPU_List) follow.
 */
export function gpuEnv(gpus: readonly number[]): Record<string, string> {
  const list = formatGpuList(gpus);
  return { CUDA_VISIBLE_DEVICES: list, NVIDIA_VISIBLE_DEVICES: list, QM_GPUS: list, CUDA_DEVICE_ORDER: "PCI_BUS_ID" };
}
