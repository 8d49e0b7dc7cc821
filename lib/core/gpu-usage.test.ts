import fs from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { NO_GPU_USAGE, addGpuSample, formatGpuHours, gpuHours, gpuUsageSummary, parseGpuListing, parseGpuQuery } from "./gpu-usage";

/** Output recorded in the format nvidia-smi prints (docs/gpus.md): four A100s, one without a utilisation reading. */
const fixture = (name: string) => fs.readFileSync(path.join(import.meta.dirname, "../../worker/tests/fixtures/nvidia-smi", name), "utf8");

describe("reading nvidia-smi", () => {
  it("reads the --query-gpu CSV, one device a line, [N/A] as unknown", () => {
    expect(parseGpuQuery(fixture("query-gpu.csv"))).toEqual([
      { index: 0, utilPercent: 87, memoryMb: 10240 },
      { index: 1, utilPercent: 0, memoryMb: 3 },
      { index: 2, utilPercent: 100, memoryMb: 39870 },
      { index: 3, utilPercent: null, memoryMb: 512 },
    ]);
  });
  it("skips what is not a device line (an error, a header)", () => {
    expect(parseGpuQuery("index, utilization.gpu [%], memory.used [MiB]\nNVIDIA-SMI has failed because it couldn't communicate with the NVIDIA driver.\n1, [Not Supported], 7\n")).toEqual([
      { index: 1, utilPercent: null, memoryMb: 7 },
    ]);
  });
  it("lists the GPUs of nvidia-smi -L, not their MIG slices", () => {
    expect(parseGpuListing(fixture("list-gpus.txt"))).toEqual([0, 1, 2, 3]);
    expect(parseGpuListing("No devices were found\n")).toEqual([]);
  });
});

describe("a job's GPU use", () => {
  const readings = parseGpuQuery(fixture("query-gpu.csv"));
  it("counts its own devices only: memory summed per sample, its peak kept; utilisation averaged", () => {
    let usage = addGpuSample(NO_GPU_USAGE, [0, 2], readings);
    expect(gpuUsageSummary(usage)).toEqual({ gpuMemPeakMb: 50110, gpuUtilMean: 93.5 });
    usage = addGpuSample(usage, [0, 2], [{ index: 0, utilPercent: 0, memoryMb: 100 }, { index: 2, utilPercent: 0, memoryMb: 100 }, { index: 1, utilPercent: 100, memoryMb: 40000 }]);
    expect(gpuUsageSummary(usage)).toEqual({ gpuMemPeakMb: 50110, gpuUtilMean: 46.8 });
  });
  it("leaves out readings nvidia-smi could not give", () => {
    expect(gpuUsageSummary(addGpuSample(NO_GPU_USAGE, [3], readings))).toEqual({ gpuMemPeakMb: 512, gpuUtilMean: null });
  });
  it("is unknown when never sampled", () => {
    expect(gpuUsageSummary(NO_GPU_USAGE)).toEqual({ gpuMemPeakMb: null, gpuUtilMean: null });
  });
});

describe("GPU-hours", () => {
  it("is wall time x devices", () => {
    expect(gpuHours(1800, 2)).toBe(1);
    expect(gpuHours(3600, 0)).toBeNull();
    expect(gpuHours(null, 1)).toBeNull();
    expect(formatGpuHours(1)).toBe("1.00 GPU-hour");
    expect(formatGpuHours(0.0125)).toBe("0.013 GPU-hours");
  });
});
