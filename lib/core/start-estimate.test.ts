import { describe, expect, it } from "vitest";
import type { EstimateInput, RunningForEstimate, WaitingForEstimate } from "./queue-snapshot";
import { estimateStarts } from "./start-estimate";
import { waitReason } from "./wait-reason";

const now = Date.parse("2026-12-01T10:00:00Z");
const running = (id: number, over: Partial<RunningForEstimate> = {}): RunningForEstimate => ({
  id, granted: 1, gpus: 0, startedAtMs: now - 60_000, progress: null, walltimeSeconds: null, arrayId: null, typicalMs: null, ...over,
});
const waiting = (id: number, over: Partial<WaitingForEstimate> = {}): WaitingForEstimate => ({
  id, nbProc: 1, priority: 0, submittedAt: new Date(now - 100_000 + id), state: "queued", walltimeSeconds: null, typicalMs: 30_000, dependsOn: [], arrayId: null, ...over,
});
const input = (over: Partial<EstimateInput>): EstimateInput => ({
  nowMs: now, running: [], waiting: [], parentStates: new Map(), maxNbProcessors: 1, workerGpus: [], launchType: "non-blocking", arrayLimits: new Map(), paused: false, diskLow: null, ...over,
});
const inS = (ms: number | null) => (ms === null ? null : (ms - now) / 1000);

describe("estimateStarts", () => {
  it("says what a running job's end was judged by when it reports no progress and has no walltime: its array's elements, or the last jobs done", () => {
    const reasonWith = (over: Partial<RunningForEstimate>) => estimateStarts(input({ running: [running(1, { typicalMs: 180_000, ...over })], waiting: [waiting(2)] })).get(2)!.reason;
    expect(reasonWith({ arrayId: 4, typicalFrom: "array" })).toBe("waiting for 1 processor (0 free of 1); job 1 should end in ~2 min (judging by its array's finished elements)");
    // Not "similar jobs": nothing was like it, the median of the last jobs done stands in.
    expect(reasonWith({ typicalFrom: "recent" })).toBe("waiting for 1 processor (0 free of 1); job 1 should end in ~2 min (judging by how long the last jobs took: it reports no progress and has no walltime)");
    // Already past that time: no "~1 s" that stays for minutes.
    expect(reasonWith({ typicalFrom: "recent", startedAtMs: now - 240_000 })).toBe(
      "waiting for 1 processor (0 free of 1); job 1 has run longer than the last jobs took (~3 min) and may end any time; it reports no progress and has no walltime, so when cannot be told",
    );
  });

  it("a job waits for the running job's progress-based end, and says so", () => {
    // 60 s in and half done: 60 s left.
    const e = estimateStarts(input({ running: [running(1, { progress: 50 })], waiting: [waiting(2)] })).get(2)!;
    expect(inS(e.startAtMs)).toBe(60);
    expect(e.reason).toBe("waiting for 1 processor (0 free of 1); job 1 should end in ~1 min");
  });

  it("replays the queue ahead with walltimes and typical run times, in the worker's order", () => {
    const e = estimateStarts(
      input({
        maxNbProcessors: 2,
        running: [running(1, { granted: 2, walltimeSeconds: 120 })],
        waiting: [waiting(3, { nbProc: 1 }), waiting(2, { nbProc: 2, walltimeSeconds: 300, priority: 1 })],
      }),
    );
    // Job 1 ends at its walltime (60 s left), job 2 (higher priority) takes both processors for 300 s.
    expect(inS(e.get(2)!.startAtMs)).toBe(60);
    expect(inS(e.get(3)!.startAtMs)).toBe(360);
    expect(e.get(3)!.reason).toBe("1 job ahead of it in the queue; it needs 1 processor, 0 free; job 1 should end in ~1 min (its walltime)");
  });

  it("follows dependencies: a child starts when its parent is expected to end", () => {
    const e = estimateStarts(
      input({ maxNbProcessors: 4, running: [running(1, { progress: 25 })], waiting: [waiting(2, { dependsOn: [{ parentId: 1, kind: "after_ok" }] }), waiting(3, { dependsOn: [{ parentId: 2, kind: "after_any" }] })] }),
    );
    expect(inS(e.get(2)!.startAtMs)).toBe(180);
    expect(inS(e.get(3)!.startAtMs)).toBe(210);
    expect(e.get(2)!.reason).toBe("waiting for job 1 to finish successfully (after_ok); job 1 should end in ~3 min");
    expect(e.get(3)!.reason).toBe("waiting for job 2 to end (after_any)");
  });

  it("a child of several parents names the one that ends last, or how many have not started", () => {
    // Seen with after_ok = array:8: "job 47 should end in ~13 s" (the first parent), beside
    // an expected start a minute away, five elements still waiting behind %3.
    const deps = (...ids: number[]) => ids.map((parentId) => ({ parentId, kind: "after_ok" as const }));
    const allRunning = estimateStarts(input({ maxNbProcessors: 4, running: [running(1, { progress: 50 }), running(2, { progress: 25 })], waiting: [waiting(3, { dependsOn: deps(1, 2) })] })).get(3)!;
    expect(allRunning.reason).toBe("waiting for job 1, job 2 to finish successfully (after_ok); job 2 should end in ~3 min");
    expect(inS(allRunning.startAtMs)).toBe(180);
    const some = estimateStarts(input({ maxNbProcessors: 1, running: [running(1, { progress: 50 })], waiting: [waiting(4), waiting(5), waiting(6, { dependsOn: deps(1, 4, 5) })] })).get(6)!;
    expect(some.reason).toBe("waiting for job 1, job 4, job 5 to finish successfully (after_ok); 2 of them have not started yet");
    expect(inS(some.startAtMs)).toBe(120);
  });

  it("a child of a held parent says that the parent is held, and has no start", () => {
    // Seen holding one element of a sweep that a collecting job waited for: its reason was
    // "waiting for job 6 to finish successfully (after_ok)" and no time, not why.
    const deps = (...ids: number[]) => ids.map((parentId) => ({ parentId, kind: "after_ok" as const }));
    const one = estimateStarts(input({ maxNbProcessors: 4, waiting: [waiting(6, { state: "held" }), waiting(7, { dependsOn: deps(6) })] })).get(7)!;
    expect(one).toEqual({ startAtMs: null, reason: "waiting for job 6 to finish successfully (after_ok); job 6 is held, so it waits until that job is released" });
    const two = estimateStarts(
      input({ maxNbProcessors: 4, running: [running(1, { progress: 50 })], waiting: [waiting(5, { state: "held" }), waiting(6, { state: "held" }), waiting(7, { dependsOn: deps(1, 5, 6) })] }),
    ).get(7)!;
    expect(two.reason).toBe("waiting for job 1, job 5, job 6 to finish successfully (after_ok); 2 of them are held, so it waits until they are released");
  });

  it("a child of a failed parent will be cancelled; held and paused jobs have no start", () => {
    const e = estimateStarts(input({ parentStates: new Map([[9, "failed"]]), waiting: [waiting(2, { dependsOn: [{ parentId: 9, kind: "after_ok" }] }), waiting(3, { state: "held" })] }));
    expect(e.get(2)).toEqual({ startAtMs: null, reason: expect.stringMatching(/^it will be cancelled: job 9, which this job waited for \(after_ok\), ended failed/) });
    expect(e.get(3)).toEqual({ startAtMs: null, reason: "held: it keeps its place in the queue but starts only once released" });
    const paused = estimateStarts(input({ paused: true, maxNbProcessors: 4, waiting: [waiting(4)] })).get(4)!;
    expect(paused).toEqual({ startAtMs: null, reason: "the queue is paused: nothing starts until the administrator resumes it" });
  });

  it("with the worker stopped nothing starts: no start time, and the reason says so instead of 'about to start'", () => {
    // Seen stopping the worker mid-sweep: waiting elements kept their times and a job
    // submitted meanwhile said "about to start: processors are free" for as long as it was down.
    const e = estimateStarts(input({ workerDown: true, maxNbProcessors: 4, running: [running(1, { progress: 50 })], waiting: [waiting(2), waiting(3, { state: "held" })] }));
    expect(e.get(2)).toEqual({ startAtMs: null, reason: expect.stringMatching(/^the worker is not running: nothing starts until the administrator starts it again/) });
    expect(e.get(3)!.reason).toBe("held: it keeps its place in the queue but starts only once released");
  });

  it("a job the worker would start now but whose uid of Job_Uids is not back yet says so, as the worker's heartbeat does, not 'about to start'", () => {
    // Seen as root with Job_Uids of one uid: the second job said "about to start: processors
    // are free" for as long as the first one ran, the worker leaving it queued for want of a uid.
    const startWait = "no uid of Job_Uids (61000-61000) is free now (1 held by running jobs): the job starts when one is";
    const snapshot = input({ startWait, maxNbProcessors: 4, running: [running(1, { granted: 3, progress: 50 })], waiting: [waiting(2), waiting(3, { nbProc: 2 }), waiting(4, { state: "held" })] });
    expect(waitReason(snapshot.waiting[0], { ...snapshot, stateOf: () => "deleted" })).toBe(startWait);
    const e = estimateStarts(snapshot);
    expect(e.get(2)!.reason).toBe(startWait);
    // Not "now": the uid comes back when job 1 (the run holding it) ends, 60 s from now;
    // job 3 then waits for job 2's uid in turn (2 processors were free all along).
    expect(inS(e.get(2)!.startAtMs)).toBe(60);
    expect(inS(e.get(3)!.startAtMs)).toBe(90);
    // Held by no run of this moment (swept, or taken by a process of no job): when it comes back cannot be told.
    const unheld = estimateStarts({ ...snapshot, running: [] }).get(2)!;
    expect(unheld).toEqual({ startAtMs: null, reason: startWait });
    // Only where it would start now: what else holds a job is still what it says.
    expect(e.get(3)!.reason).toBe("1 job ahead of it in the queue; it needs 2 processors, 1 free; job 1 should end in ~1 min");
    expect(e.get(4)!.reason).toMatch(/^held: /);
    expect(estimateStarts({ ...snapshot, paused: true }).get(2)!.reason).toBe("the queue is paused: nothing starts until the administrator resumes it");
    // No wait said (nothing holds a start, or a worker older than the field): as before.
    expect(estimateStarts({ ...snapshot, startWait: null }).get(2)!.reason).toBe("about to start: processors are free");
  });

  it("below Min_Free_MB nothing starts: no start time, and the reason says why as the banner does", () => {
    // Processors free: without the disk guard this job would be "about to start".
    const disk = { freeBytes: 500 * 1024 ** 2, minFreeBytes: 2 * 1024 ** 3 };
    const e = estimateStarts(input({ diskLow: disk, maxNbProcessors: 4, waiting: [waiting(2), waiting(3, { state: "held" })] }));
    expect(e.get(2)).toEqual({ startAtMs: null, reason: "QM_FOLDER's disk has 500 MB free, less than the 2 GB it must keep (Min_Free_MB): nothing starts until space is freed" });
    // Short of inodes, not bytes: the reason says which, and what frees it.
    const inodes = estimateStarts(input({ diskLow: { ...disk, freeBytes: 5 * 1024 ** 3, inodes: { free: 812, minFree: 10_000 } }, maxNbProcessors: 4, waiting: [waiting(2)] }));
    expect(inodes.get(2)).toEqual({ startAtMs: null, reason: "QM_FOLDER's disk has 812 free inodes (files) left, fewer than the 10,000 it must keep (Min_Free_Inodes): nothing starts until files are removed" });
    // A held job stays held whatever the disk.
    expect(e.get(3)!.reason).toMatch(/^held:/);
    expect(estimateStarts(input({ maxNbProcessors: 4, waiting: [waiting(2)] })).get(2)).toEqual({ startAtMs: now, reason: "about to start: processors are free" });
  });

  it("cannot tell behind a job with no progress, no walltime and no history", () => {
    const e = estimateStarts(input({ running: [running(1)], waiting: [waiting(2)] })).get(2)!;
    expect(e.startAtMs).toBeNull();
    expect(e.reason).toMatch(/job 1 reports no progress and has no walltime, so its end cannot be told/);
  });

  it("keeps an array to its %N limit even with processors free", () => {
    const el = (id: number) => waiting(id, { arrayId: 5, typicalMs: 10_000 });
    const e = estimateStarts(
      input({ maxNbProcessors: 8, arrayLimits: new Map([[5, 1]]), running: [running(1, { arrayId: 5, progress: 50, startedAtMs: now - 10_000 })], waiting: [el(2), el(3), waiting(4)] }),
    );
    expect([2, 3, 4].map((id) => inS(e.get(id)!.startAtMs))).toEqual([10, 20, 0]);
    expect(e.get(2)!.reason).toBe("its array runs at most 1 element at a time (%1) and 1 is running; job 1 should end in ~10 s");
    expect(e.get(4)!.reason).toBe("about to start: processors are free");
  });

  it("names fair share when it puts other owners ahead", () => {
    const usage = new Map([["ann", 9000], ["bob", 5]]);
    const e = estimateStarts(
      input({ usage, running: [running(1, { progress: 50 })], waiting: [waiting(2, { ownerKey: "ann" }), waiting(3, { ownerKey: "bob" })] }),
    );
    expect(inS(e.get(3)!.startAtMs)).toBe(60);
    expect(inS(e.get(2)!.startAtMs)).toBe(90);
    expect(e.get(2)!.reason).toBe("1 job ahead of it in the queue (fair share: owners who used less CPU recently go first); it needs 1 processor, 0 free; job 1 should end in ~1 min");
  });

  it("a large head job gets its reservation in the simulation as in the worker", () => {
    // 4 processors, 3 used until 100 s; a 4-processor job is first; small 1-processor jobs keep coming behind it.
    const small = Array.from({ length: 10 }, (_, i) => waiting(10 + i, { typicalMs: 20_000 }));
    const e = estimateStarts(input({ maxNbProcessors: 4, running: [running(1, { granted: 3, walltimeSeconds: 160 })], waiting: [waiting(2, { nbProc: 4, typicalMs: 50_000 }), ...small] }));
    const bigStart = inS(e.get(2)!.startAtMs)!;
    expect(bigStart).toBe(100);
    // Backfill ran in the free processor before the reservation held it.
    expect(inS(e.get(10)!.startAtMs)).toBe(0);
    expect(small.filter((j) => inS(e.get(j.id)!.startAtMs)! < bigStart).length).toBeGreaterThanOrEqual(1);
  });

  it("a head the worker has already reserved for (its heartbeat's headWait) keeps a job that would fit beside it waiting: not 'about to start'", () => {
    // The helper's case: 2 processors, A (1) runs 70 s, B (2) waits behind it, C (1) comes 33 s later.
    const state = { maxNbProcessors: 2, running: [running(1, { walltimeSeconds: 70, startedAtMs: now - 33_000 })], waiting: [waiting(2, { nbProc: 2 }), waiting(3)] };
    const reserved = estimateStarts(input({ ...state, headWait: { jobId: 2, since: now - 33_000, overtaken: 0 } }));
    expect(inS(reserved.get(2)!.startAtMs)).toBe(37);
    expect(inS(reserved.get(3)!.startAtMs)).toBeGreaterThanOrEqual(37);
    expect(reserved.get(3)!.reason).not.toMatch(/about to start/);
    // Waiting for less than the worker's while: C may still take the free processor.
    const fresh = estimateStarts(input({ ...state, headWait: { jobId: 2, since: now - 5_000, overtaken: 0 } }));
    expect(inS(fresh.get(3)!.startAtMs)).toBe(0);
  });

  it("counts GPUs as the worker does: a GPU job waits for a device, its reason says so, CPU-only jobs pass", () => {
    const e = estimateStarts(
      input({
        maxNbProcessors: 8, workerGpus: [0, 1, 2],
        running: [running(1, { gpus: 2, walltimeSeconds: 120 }), running(2, { gpus: 1, walltimeSeconds: 600 })],
        waiting: [waiting(3, { nbGpu: 1 }), waiting(4), waiting(5, { nbGpu: 2 })],
      }),
    );
    expect(inS(e.get(3)!.startAtMs)).toBe(60);
    expect(e.get(3)!.reason).toBe("waiting for 1 GPU (0 free of 3); job 1 should end in ~1 min (its walltime)");
    expect(e.get(4)!.reason).toBe("about to start: processors are free");
    // Job 3 takes one of job 1's two devices at 60 s; job 5 needs two: job 3's end (typical 30 s) frees the second.
    expect(inS(e.get(5)!.startAtMs)).toBe(90);
    expect(e.get(5)!.reason).toBe("2 jobs ahead of it in the queue; it needs 2 GPUs, 0 free; job 1 should end in ~1 min (its walltime)");
  });

  it("a job asking more GPUs than the worker has gets no start, and the reason it will be cancelled", () => {
    const e = estimateStarts(input({ maxNbProcessors: 4, workerGpus: [0, 1], waiting: [waiting(1, { nbGpu: 3 }), waiting(2)] }));
    expect(e.get(1)).toEqual({ startAtMs: null, reason: "it will be cancelled: it asks for 3 GPUs (nb_gpu = 3) and this server has 2 GPUs for jobs (GPU_List = 0,1); ask for 2 or fewer" });
    expect(inS(e.get(2)!.startAtMs)).toBe(0);
  });

  it("before any worker has said which GPUs it has, a GPU job gets no start and says why; others are estimated", () => {
    const e = estimateStarts(input({ maxNbProcessors: 4, workerGpus: null, waiting: [waiting(1, { nbGpu: 1 }), waiting(2)] }));
    expect(e.get(1)).toEqual({ startAtMs: null, reason: "no worker has said yet which GPUs it hands out: the job waits for one that has enough" });
    expect(inS(e.get(2)!.startAtMs)).toBe(0);
  });

  it("executor = slurm: neither this machine's processors nor GPU_List hold a job; it is about to be handed over, or waits for room among the jobs in Slurm", () => {
    // With Slurm the heartbeat says no GPUs: a GPU job read "no worker has said yet which GPUs
    // it hands out", a CPU job "waiting for 1 processor (0 free of 2)", MaxNbProcessors being
    // this machine's and 3 jobs being in Slurm.
    const inSlurm = [1, 2, 3].map((id) => running(id));
    const e = estimateStarts(input({ handsOver: true, maxNbProcessors: 2, workerGpus: null, running: inSlurm, waiting: [waiting(4, { nbGpu: 2 }), waiting(5, { nbProc: 8 }), waiting(6, { state: "held" })] }));
    expect(e.get(4)).toEqual({ startAtMs: null, reason: "about to be handed to Slurm, which decides when it runs" });
    expect(e.get(5)).toEqual({ startAtMs: null, reason: "about to be handed to Slurm, which decides when it runs" });
    expect(e.get(6)!.reason).toMatch(/^held: /);
    const full = Array.from({ length: 500 }, (_, i) => running(100 + i));
    expect(estimateStarts(input({ handsOver: true, workerGpus: null, running: full, waiting: [waiting(4, { nbGpu: 1 })] })).get(4)).toEqual({
      startAtMs: null,
      reason: "QueueManager hands at most 500 jobs to Slurm at a time and 500 are there; it is handed over as they end",
    });
  });
});
