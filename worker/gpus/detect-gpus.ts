/**
 * The GPUs this worker hands out, settled at start: GPU_List as written, or with `auto`
 * the devices `nvidia-smi -L` lists (none when nvidia-smi is missing or fails: the start
 * line says so). Also where nvidia-smi is, for the sampler.
 */
import { execFileSync } from "node:child_process";
import fs from "node:fs";
import path from "node:path";
import { formatGpuList, type GpuListSetting } from "../../lib/core/gpu-sets";
import { parseGpuListing } from "../../lib/core/gpu-usage";

/** What the runner gets: the devices, in words for the start line, and nvidia-smi's path (null: absent). */
export interface GpuSetup {
  gpus: number[];
  described: string;
  nvidiaSmi: string | null;
}

export const NO_GPUS: GpuSetup = { gpus: [], described: "none", nvidiaSmi: null };

/** With Slurm the worker hands out no device itself: Slurm gives each run its own (--gres=gpu:N). */
export const SLURM_GPUS: GpuSetup = { gpus: [], described: "nb_gpu asked of Slurm (--gres=gpu:N)", nvidiaSmi: null };

/** nvidia-smi on the PATH, or null. */
export function findNvidiaSmi(searchPath = process.env.PATH ?? ""): string | null {
  for (const dir of searchPath.split(":").filter(Boolean)) {
    const candidate = path.join(dir, "nvidia-smi");
    try {
      fs.accessSync(candidate, fs.constants.X_OK);
      return candidate;
    } catch {
      // not here
    }
  }
  return null;
}

/** The device indices nvidia-smi -L lists; throws with nvidia-smi's own words when it fails (no driver...). */
function listDevices(nvidiaSmi: string): number[] {
  return parseGpuListing(execFileSync(nvidiaSmi, ["-L"], { encoding: "utf8", timeout: 15_000, stdio: ["ignore", "pipe", "pipe"] }));
}

export function detectGpus(setting: GpuListSetting, nvidiaSmi: string | null, log: (m: string) => void): GpuSetup {
  if (setting !== "auto") {
    if (!setting.length) return { ...NO_GPUS, nvidiaSmi };
    if (nvidiaSmi) warnUnknown(setting, nvidiaSmi, log);
    return { gpus: setting, described: `${formatGpuList(setting)} (GPU_List)${nvidiaSmi ? "" : ", not sampled: no nvidia-smi"}`, nvidiaSmi };
  }
  if (!nvidiaSmi) return { ...NO_GPUS, described: "none (GPU_List = auto, and there is no nvidia-smi on the PATH)" };
  try {
    const gpus = listDevices(nvidiaSmi);
    return { gpus, described: gpus.length ? `${formatGpuList(gpus)} (nvidia-smi -L)` : "none (nvidia-smi -L lists no GPU)", nvidiaSmi };
  } catch (error) {
    const why = ((error as { stderr?: string }).stderr || (error as Error).message).trim().split("\n")[0];
    log(`GPU_List = auto: nvidia-smi -L failed (${why}); no GPU is handed out`);
    return { ...NO_GPUS, described: "none (nvidia-smi -L failed)", nvidiaSmi: null };
  }
}

/** GPU_List naming a device nvidia-smi does not know: jobs given it would find no GPU. */
function warnUnknown(gpus: number[], nvidiaSmi: string, log: (m: string) => void): void {
  try {
    const listed = listDevices(nvidiaSmi);
    const unknown = gpus.filter((g) => !listed.includes(g));
    if (unknown.length) log(`GPU_List names GPU(s) ${formatGpuList(unknown)}, which nvidia-smi -L does not list (it lists ${formatGpuList(listed) || "none"}): jobs given them find no GPU`);
  } catch {
    // nvidia-smi present but failing: the sampler will say so in the debug log
  }
}
