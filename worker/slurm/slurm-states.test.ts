import { describe, expect, it } from "vitest";
import { type Evidence, FIELD_SEPARATOR, judgeEnd, parseSqueue, phaseOf } from "./slurm-states";

const S = FIELD_SEPARATOR;
const record = (status: number) => ({ status, cpuSeconds: 1.5 });
const base: Evidence = { slurmJobId: "42", state: "COMPLETED", record: record(0), timeoutMark: false, waitedMs: 0, graceMs: 60_000 };

describe("squeue's lines", () => {
  it("reads id, state, node, reason, folder, start, partition and name; names and folders may hold anything but the separator", () => {
    const text = `17${S}RUNNING${S}node1${S}None${S}/qm/QM_Jobs/a|b c${S}2026-12-02T12:30:05${S}short${S}qm-5-abc\n18${S}PENDING${S}${S}Priority${S}/x${S}2026-12-02T14:00:00${S}short${S}my job | with bars\n\n`;
    expect(parseSqueue(text)).toEqual([
      { slurmJobId: "17", state: "RUNNING", node: "node1", reason: "None", workDir: "/qm/QM_Jobs/a|b c", startedAt: new Date(2026, 11, 2, 12, 30, 5), partition: "short", name: "qm-5-abc" },
      // A pending job's %S is Slurm's estimate of its start, not a start.
      { slurmJobId: "18", state: "PENDING", node: "", reason: "Priority", workDir: "/x", startedAt: null, partition: "short", name: "my job | with bars" },
    ]);
    expect(parseSqueue(`19${S}COMPLETED${S}n1${S}None${S}/x${S}2026-12-02T12:00:00${S}short${S}qm-6-x\n20${S}RUNNING${S}n1${S}None${S}/x${S}N/A${S}short${S}qm-7-y`).map((e) => e.startedAt)).toEqual([new Date(2026, 11, 2, 12, 0, 0), null]);
  });

  it("puts every state in a phase; one Slurm may add later decides nothing", () => {
    expect(["PENDING", "CONFIGURING", "REQUEUE_HOLD"].map(phaseOf)).toEqual(["waiting", "waiting", "waiting"]);
    expect(["RUNNING", "COMPLETING", "SUSPENDED", "SOMETHING_NEW"].map(phaseOf)).toEqual(["running", "running", "running", "running"]);
    expect(["COMPLETED", "FAILED", "TIMEOUT", "OUT_OF_MEMORY", "CANCELLED", "NODE_FAIL", "BOOT_FAIL", "PREEMPTED", "DEADLINE"].every((s) => phaseOf(s) === "ended")).toBe(true);
  });
});

describe("judgeEnd: Slurm's state and the run's exit record", () => {
  it("COMPLETED / FAILED: the exit record decides (code and CPU time)", () => {
    expect(judgeEnd(base)).toEqual({ exitCode: 0, signal: null, cpuSeconds: 1.5 });
    expect(judgeEnd({ ...base, state: "FAILED", record: record(3) })).toEqual({ exitCode: 3, signal: null, cpuSeconds: 1.5 });
  });

  it("maps the states that explain themselves, with or without a record", () => {
    expect(judgeEnd({ ...base, state: "TIMEOUT", record: null })).toMatchObject({ limit: "timeout", exitCode: null });
    expect(judgeEnd({ ...base, state: "FAILED", record: record(143), timeoutMark: true })).toMatchObject({ limit: "timeout", exitCode: 143 });
    expect(judgeEnd({ ...base, state: "OUT_OF_MEMORY", record: record(137) })).toMatchObject({ limit: "oom", exitCode: 137 });
    expect(judgeEnd({ ...base, state: "CANCELLED", record: null })).toMatchObject({ cancelled: true });
    expect(judgeEnd({ ...base, state: "NODE_FAIL", record: null })).toMatchObject({ lost: true, error: "its Slurm node failed while it ran (NODE_FAIL)" });
    expect(judgeEnd({ ...base, state: "PREEMPTED", record: null })).toMatchObject({ lost: true, error: expect.stringContaining("PREEMPTED") });
    // The job's command had finished before the node failed: its record is the truth.
    expect(judgeEnd({ ...base, state: "NODE_FAIL", record: record(0) })).toEqual({ exitCode: 0, signal: null, cpuSeconds: 1.5 });
    expect(judgeEnd({ ...base, state: "NODE_FAIL", record: record(2) })).toEqual({ exitCode: 2, signal: null, cpuSeconds: 1.5 });
  });

  it("NODE_FAIL / PREEMPTED decide over the record of a command a signal stopped (Slurm stopping the job), so the run is lost (requeued with Recovery = requeue)", () => {
    // `scontrol update nodename=X state=down`: the wrapper got SIGTERM and recorded 143; that was
    // recorded "failed, exit code 143" and never requeued.
    expect(judgeEnd({ ...base, state: "NODE_FAIL", record: record(143) })).toEqual({ exitCode: 143, signal: null, cpuSeconds: 1.5, lost: true, error: "its Slurm node failed while it ran (NODE_FAIL)" });
    expect(judgeEnd({ ...base, state: "NODE_FAIL", record: record(137) })).toMatchObject({ lost: true });
    expect(judgeEnd({ ...base, state: "PREEMPTED", record: record(143) })).toMatchObject({ lost: true, error: expect.stringContaining("PREEMPTED") });
    // sacct's word once squeue has forgotten the job (find after a restart passes it as the state).
    expect(judgeEnd({ ...base, state: "NODE_FAIL", record: record(143), waitedMs: 60_000 })).toMatchObject({ lost: true });
    // Other ends keep the record's code.
    expect(judgeEnd({ ...base, state: "FAILED", record: record(143) })).toEqual({ exitCode: 143, signal: null, cpuSeconds: 1.5 });
    expect(judgeEnd({ ...base, state: null, record: record(143) })).toEqual({ exitCode: 143, signal: null, cpuSeconds: 1.5 });
  });

  it("waits for a missing record until the grace period is over, then says the run is lost and why", () => {
    expect(judgeEnd({ ...base, record: null, waitedMs: 59_000 })).toBeNull();
    expect(judgeEnd({ ...base, record: null, waitedMs: 60_000 })).toMatchObject({ lost: true, error: expect.stringMatching(/^Slurm job 42 ended COMPLETED and the run left no exit record in \.qm\/runs within 60 s \(is QM_FOLDER shared/) });
    expect(judgeEnd({ ...base, state: null, record: null, waitedMs: 60_000 })).toMatchObject({ lost: true, error: expect.stringMatching(/^Slurm no longer lists job 42 and the run left no exit record/) });
    expect(judgeEnd({ ...base, state: null, record: record(2) })).toMatchObject({ exitCode: 2 });
  });

  it("a run QueueManager asked to stop that Slurm ended before its wrapper recorded the end (SIGKILL after KillWait) is killed, not lost", () => {
    const killed = { ...base, record: null, killRequested: true };
    expect(judgeEnd({ ...killed, state: "CANCELLED" })).toEqual({ exitCode: null, signal: "SIGKILL", cpuSeconds: null, cancelled: true });
    // Ended by the signal after our cancel, or forgotten by squeue (no accounting): once the record's grace is over.
    expect(judgeEnd({ ...killed, state: "FAILED", waitedMs: 59_000 })).toBeNull();
    expect(judgeEnd({ ...killed, state: "FAILED", waitedMs: 60_000 })).toEqual({ exitCode: null, signal: "SIGKILL", cpuSeconds: null });
    expect(judgeEnd({ ...killed, state: null, waitedMs: 60_000 })).toEqual({ exitCode: null, signal: "SIGKILL", cpuSeconds: null });
    // A record decides as before; a node failure or a limit is still what it is.
    expect(judgeEnd({ ...killed, state: "CANCELLED", record: record(143) })).toEqual({ exitCode: 143, signal: null, cpuSeconds: 1.5, cancelled: true });
    expect(judgeEnd({ ...killed, state: "NODE_FAIL" })).toMatchObject({ lost: true });
    expect(judgeEnd({ ...killed, state: "TIMEOUT" })).toMatchObject({ limit: "timeout" });
    // Without a kill request, as before: someone's scancel, or a run lost.
    expect(judgeEnd({ ...base, state: "CANCELLED", record: null })).toEqual({ exitCode: null, signal: null, cpuSeconds: null, cancelled: true });
    expect(judgeEnd({ ...base, state: "FAILED", record: null, waitedMs: 60_000 })).toMatchObject({ lost: true, error: expect.stringMatching(/^Slurm job 42 ended FAILED and the run left no exit record/) });
  });

  it("waits while Slurm still runs the job, even with a record (a memory kill is reported as the job ends), until the grace is over", () => {
    expect(judgeEnd({ ...base, state: "RUNNING", record: null, waitedMs: 1e9 })).toBeNull();
    expect(judgeEnd({ ...base, state: "COMPLETING", record: record(137) })).toBeNull();
    expect(judgeEnd({ ...base, state: "COMPLETING", record: record(137), waitedMs: 60_000 })).toMatchObject({ exitCode: 137 });
  });
});
