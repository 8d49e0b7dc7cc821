import { describe, expect, it } from "vitest";
import { buildJobMail, lastLines } from "./job-mail";

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
