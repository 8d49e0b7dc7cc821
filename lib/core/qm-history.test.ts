import { describe, expect, it } from "vitest";
import { historicOutcome, parseHistoricLog, parseHistoricName } from "./qm-history";

describe("finished folder names of every QM version", () => {
  it("reads ours (UTC), QM 0.4's (local time, with or without the dash) and bare names", () => {
    expect(parseHistoricName("2026-11-28T04-36-00Z-fit run")).toEqual({ name: "fit run", stampedAt: new Date("2026-11-28T04:36:00Z"), style: "ours" });
    expect(parseHistoricName("2021-02-16T10:23:45-nmr_fit")).toEqual({ name: "nmr_fit", stampedAt: new Date(2021, 1, 16, 10, 23, 45), style: "qm04" });
    expect(parseHistoricName("2021-02-16T10:23:45crashed")).toEqual({ name: "crashed", stampedAt: new Date(2021, 1, 16, 10, 23, 45), style: "qm04-leftover" });
    expect(parseHistoricName("old-job-2019")).toEqual({ name: "old-job-2019", stampedAt: null, style: "bare" });
  });
});

describe("process.log lines", () => {
  it("reads QM 0.4's start, end, code and duration, a fork's dure:, and our own footer (the last run wins)", () => {
    const qm04 = "Job started by QM at:  2021-02-16T10:18:45\nprocessing 1 / 2\nJob finished at: 2021-02-16T10:23:45 with code 1\nelapsed time: 300.0s";
    expect(parseHistoricLog(qm04)).toEqual({ startedAt: new Date(2021, 1, 16, 10, 18, 45), finishedAt: new Date(2021, 1, 16, 10, 23, 45), exitCode: 1, durationMs: 300_000 });
    expect(parseHistoricLog("dure: 42.0s").durationMs).toBe(42_000);
    expect(parseHistoricLog("Job invalid: /data/QM/QM_qJobs/x").invalid).toBe(true);
    const requeued = `${qm04}\n=== QueueManager job 7 "fit" started 2026-01-01T00:00:00.000Z on vm\n=== QueueManager job 7 ended 2026-01-01T00:01:00.000Z: killed by SIGTERM, duration 1 min, state killed\n`;
    expect(parseHistoricLog(requeued)).toMatchObject({ startedAt: new Date("2026-01-01T00:00:00Z"), finishedAt: new Date("2026-01-01T00:01:00Z"), signal: "SIGTERM", state: "killed" });
  });

  it("reads QM 0.4's negative code as the signal that killed the script (Python's return code), not as an exit code", () => {
    const killed = parseHistoricLog("Job started by QM at: 2021-02-16T10:18:45\nJob finished at: 2021-02-16T10:23:45 with code -9\n");
    expect(killed).toMatchObject({ signal: "SIGKILL" });
    expect(killed.exitCode).toBeUndefined();
    const outcome = historicOutcome({ infoMtime: null, lastWrite: new Date(), name: parseHistoricName("x"), queue: "lost", log: killed });
    expect(outcome).toMatchObject({ state: "killed", exitCode: null, signal: "SIGKILL" });
    expect(parseHistoricLog("Script could not be run, aborted, with retcode is -15")).toMatchObject({ signal: "SIGTERM" });
  });

  it("turns what it found into a state and times; a folder without any line keeps the folder's time", () => {
    const lastWrite = new Date("2020-05-05T05:05:05Z");
    const base = { infoMtime: null, lastWrite, name: parseHistoricName("plain") };
    expect(historicOutcome({ ...base, queue: "done", log: {} })).toEqual({ state: "done", submittedAt: lastWrite, startedAt: null, finishedAt: lastWrite, exitCode: null, signal: null });
    expect(historicOutcome({ ...base, queue: "lost", log: {} }).state).toBe("lost");
    const failed = historicOutcome({ ...base, queue: "done", infoMtime: new Date("2020-05-01T00:00:00Z"), log: { exitCode: 2, durationMs: 60_000, finishedAt: new Date("2020-05-05T06:00:00Z") } });
    expect(failed).toMatchObject({ state: "failed", exitCode: 2, startedAt: new Date("2020-05-05T05:59:00Z"), submittedAt: new Date("2020-05-01T00:00:00Z") });
  });
});
