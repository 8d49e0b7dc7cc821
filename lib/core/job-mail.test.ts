import { describe, expect, it } from "vitest";
import { buildJobMail, isOneMailAddress, lastLines } from "./job-mail";

describe("buildJobMail", () => {
  it("tells the owner the outcome, times, info, log tail and link", () => {
    const mail = buildJobMail({
      id: 42, name: "fit spectra", state: "failed", info: "run 3", exitCode: 2, durationMs: 65_000, cpuSeconds: 12.345,
      folder: "QM_lost+found/2026-11-28T04-36-00Z-fit spectra", logTail: "line a\nline b", publicUrl: "http://qm.lab:8000/",
    });
    expect(mail.subject).toBe("[QM] fit spectra: failed");
    expect(mail.text).toContain("failed (exit code 2)");
    expect(mail.text).toContain("Duration: 1 min 5 s");
    expect(mail.text).toContain("CPU time: 12 s");
    expect(mail.text).toContain("Info:     run 3");
    expect(mail.text).toContain("http://qm.lab:8000/jobs/42");
    expect(mail.text).toContain("  line b");
  });

  it("keeps the last lines of a log", () => {
    expect(lastLines("1\n2\n3\n", 2)).toBe("2\n3");
  });
});

describe("a cancelled job's mail", () => {
  it("says why it was cancelled and that it did not run", () => {
    const mail = buildJobMail({ id: 7, name: "child", state: "cancelled", durationMs: 0, folder: "QM_lost+found/x-child", logTail: "", publicUrl: "http://qm", reason: "job 6, which this job waited for (after_ok), ended failed" });
    expect(mail.subject).toBe("[QM] child: was cancelled");
    expect(mail.text).toContain("Why:      job 6, which this job waited for (after_ok), ended failed");
    expect(mail.text).toContain("It did not run.");
    expect(mail.text).not.toContain("Last lines of process.log");
  });
});

describe("a GPU job's mail", () => {
  const base = { id: 9, name: "train", state: "done", exitCode: 0, durationMs: 1_800_000, folder: "QM_dJobs/x-train", logTail: "", publicUrl: "http://qm" };
  const usage = { granted: 4, memMb: null, peakMemoryKb: null, walltimeSeconds: null };
  it("gives its devices and GPU-hours, and what nvidia-smi saw of them", () => {
    const mail = buildJobMail({ ...base, usage: { ...usage, gpus: [2, 3], gpuMemPeakMb: 30_720, gpuUtilMean: 81.5 } });
    expect(mail.text).toContain("GPUs:     2,3, 1.00 GPU-hour; peak GPU memory 30 GB, mean utilisation 81.5%");
  });
  it("says nothing it did not measure, and nothing of GPUs for a job without", () => {
    expect(buildJobMail({ ...base, usage: { ...usage, gpus: [0], gpuMemPeakMb: null, gpuUtilMean: null } }).text).toContain("GPUs:     0, 0.50 GPU-hours\n");
    expect(buildJobMail({ ...base, usage: { ...usage, gpus: [] } }).text).not.toContain("GPU");
    // Slurm picked the devices (--gres=gpu:2): their number, and GPU-hours from it.
    expect(buildJobMail({ ...base, usage: { ...usage, gpus: [], nbGpu: 2 } }).text).toContain("GPUs:     2, chosen by the cluster, 1.00 GPU-hour\n");
  });

  it("mails one plain address only: never a list a mail library would split", () => {
    for (const one of ["ann@lab.org", "first.last+qm@chem.lab.org", "x@y"]) expect(isOneMailAddress(one), one).toBe(true);
    for (const many of ["ann@lab.org, bob@lab.org", "ann@lab.org;bob@lab.org", "Ann <ann@lab.org>", "ann@lab.org,victim.example", '"a@b"@c', "ann@lab.org (x)", "ann", "ann @lab.org", "ann@lab.org\r\nBcc: x@evil.example"]) {
      expect(isOneMailAddress(many), many).toBe(false);
    }
  });
});

