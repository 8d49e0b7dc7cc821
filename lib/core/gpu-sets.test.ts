import { describe, expect, it } from "vitest";
import { chooseGpus, formatGpuList, freeGpuCount, gpuEnv, parseGpuList, tooManyGpusReason } from "./gpu-sets";

describe("GPU_List", () => {
  it.each([
    ["0,1,2,3", [0, 1, 2, 3]],
    ["0-3", [0, 1, 2, 3]],
    [" 2, 0 ", [0, 2]],
    ["", []],
    ["auto", "auto"],
    ["AUTO", "auto"],
  ] as const)("%j reads as %j", (text, expected) => {
    expect(parseGpuList(text)).toEqual(expected);
  });
  it("refuses anything else, saying what to write", () => {
    expect(() => parseGpuList("gpu0")).toThrow(/"gpu0" is not a GPU number or range \(write them like 0-3,6\)/);
    expect(() => parseGpuList("3-1")).toThrow(/not a GPU number/);
  });
  it("writes device lists as CUDA_VISIBLE_DEVICES takes them", () => {
    expect(formatGpuList([2, 0, 2])).toBe("0,2");
    expect(formatGpuList([])).toBe("");
  });
});

describe("choosing a run's GPUs", () => {
  const all = [0, 1, 2, 3];
  it.each([
    ["the lowest free devices", [], 2, [0, 1]],
    ["never a device a running job holds", [[0, 1]], 2, [2, 3]],
    ["around a job in the middle", [[1, 2]], 2, [0, 3]],
    ["none asked: none", [[0]], 0, []],
    ["not enough free: none (never shared)", [[0, 1], [2]], 2, null],
    ["more than exist: none", [], 5, null],
  ] as const)("%s", (_what, held, count, expected) => {
    expect(chooseGpus(all, held.map((h) => [...h]), count)).toEqual(expected);
  });
  it("only from GPU_List, whatever runs elsewhere", () => {
    expect(chooseGpus([1, 3], [[7], [3]], 1)).toEqual([1]);
    expect(freeGpuCount([1, 3], [[7], [3]])).toBe(1);
  });
});

describe("a job asking for more GPUs than exist", () => {
  it.each([
    [1, [0, 1, 2], null],
    [3, [0, 1, 2], null],
    [4, [0, 1, 2], "it asks for 4 GPUs (nb_gpu = 4) and this server has 3 GPUs for jobs (GPU_List = 0,1,2); ask for 3 or fewer"],
    [2, [5], "it asks for 2 GPUs (nb_gpu = 2) and this server has 1 GPU for jobs (GPU_List = 5); ask for 1 or fewer"],
    [1, [], "it asks for 1 GPU (nb_gpu = 1) and this server has no GPU for jobs (GPU_List is empty); remove nb_gpu, or ask the administrator to set GPU_List"],
    [0, [], null],
  ] as const)("nb_gpu %i on %j", (nbGpu, gpus, reason) => {
    expect(tooManyGpusReason(nbGpu, gpus)).toBe(reason);
  });
});

describe("the job's GPU environment", () => {
  it("names exactly its devices, in the three variables, in nvidia-smi's order", () => {
    expect(gpuEnv([2, 0])).toEqual({ CUDA_VISIBLE_DEVICES: "0,2", NVIDIA_VISIBLE_DEVICES: "0,2", QM_GPUS: "0,2", CUDA_DEVICE_ORDER: "PCI_BUS_ID" });
  });
  it("is empty for a job without GPUs, so CUDA sees none", () => {
    expect(gpuEnv([])).toMatchObject({ CUDA_VISIBLE_DEVICES: "", NVIDIA_VISIBLE_DEVICES: "", QM_GPUS: "" });
  });
});
