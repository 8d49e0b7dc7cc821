import { describe, expect, it } from "vitest";
import { IllegalTransitionError, JOB_STATES, type JobAction, type JobState, TRANSITIONS, endStateOf, planTransition, queueOf } from "./job-lifecycle";

/**
 * Every legal move, written out by hand as the docs state it ("action: from -> to"),
 * independently of TRANSITIONS: the test enumerates every action x from x to and checks
 * that exactly these are allowed.
 */
const LEGAL = `
submit: new -> queued | held
reject: new -> invalid
orphan: new -> lost
import: new -> done | failed | killed | timeout | oom | cancelled | invalid | lost
start: queued -> running | pending
run: pending -> running
end: pending | running -> done | failed | killed | timeout | oom | lost
requeue: pending | running | done | failed | killed | timeout | oom | cancelled | invalid | lost -> queued | held
hold: queued -> held
release: held -> queued
cancel: queued | held -> cancelled
vanish: queued | held -> lost
delete: queued | held | done | failed | killed | timeout | oom | cancelled | invalid | lost -> deleted
`;

const legal = new Set<string>();
for (const line of LEGAL.trim().split("\n")) {
  const [action, rest] = line.split(": ");
  const [froms, tos] = rest.split(" -> ").map((side) => side.split(" | "));
  for (const from of froms) for (const to of tos) legal.add(`${action} ${from} ${to}`);
}

const ACTIONS = Object.keys(TRANSITIONS) as JobAction[];
const FROMS: (JobState | null)[] = [null, ...JOB_STATES];

describe("the job lifecycle table", () => {
  it("allows exactly the documented moves and refuses every other one", () => {
    let allowed = 0;
    let refused = 0;
    for (const action of ACTIONS) {
      for (const from of FROMS) {
        for (const to of JOB_STATES) {
          const key = `${action} ${from ?? "new"} ${to}`;
          if (legal.has(key)) {
            const plan = planTransition(action, from, to, { folder: "QM_X/a" }, "why");
            expect(plan.patch.state, key).toBe(to);
            expect(plan.patch.folder, key).toBe("QM_X/a");
            expect(plan.event.detail, key).toBe("why");
            allowed++;
          } else {
            expect(() => planTransition(action, from, to), key).toThrow(IllegalTransitionError);
            refused++;
          }
        }
      }
    }
    expect(allowed).toBe(legal.size);
    expect(allowed + refused).toBe(ACTIONS.length * FROMS.length * JOB_STATES.length);
  });

  it("names each event after the state entered, or the action for requeue, release and import", () => {
    expect(planTransition("start", "queued", "running").event.kind).toBe("running");
    expect(planTransition("end", "running", "oom").event.kind).toBe("oom");
    expect(planTransition("requeue", "failed", "queued").event.kind).toBe("requeued");
    expect(planTransition("release", "held", "queued").event.kind).toBe("released");
    expect(planTransition("import", null, "done").event.kind).toBe("imported");
  });

  it("clears every field of the previous run on requeue, whatever the caller adds", () => {
    const { patch } = planTransition("requeue", "failed", "queued", { folder: "QM_qJobs/x" });
    expect(patch).toMatchObject({
      state: "queued", folder: "QM_qJobs/x", startedAt: null, finishedAt: null, exitCode: null, signal: null, cpuSeconds: null,
      peakMemoryKb: null, progress: null, pid: null, killRequestedAt: null, error: null, runToken: null, runInfo: null,
    });
    expect(planTransition("end", "running", "done", { exitCode: 0 }).patch).not.toHaveProperty("startedAt");
  });

  it("says where each state's folder lives", () => {
    expect([queueOf("queued"), queueOf("held"), queueOf("pending"), queueOf("running"), queueOf("done"), queueOf("oom"), queueOf("deleted")]).toEqual([
      "queued", "queued", "running", "running", "done", "lost", null,
    ]);
  });

  it("decides how a run ended: limits, then kill requests, then the exit status", () => {
    expect(endStateOf({ exitCode: 0, signal: null })).toBe("done");
    expect(endStateOf({ exitCode: 3, signal: null })).toBe("failed");
    expect(endStateOf({ exitCode: null, signal: "SIGSEGV" })).toBe("failed");
    expect(endStateOf({ exitCode: 0, signal: null, error: "spawn failed" })).toBe("failed");
    expect(endStateOf({ exitCode: 143, signal: null, killRequested: true })).toBe("killed");
    expect(endStateOf({ exitCode: 143, signal: null, killRequested: true, limit: "timeout" })).toBe("timeout");
    expect(endStateOf({ exitCode: null, signal: "SIGKILL", limit: "oom" })).toBe("oom");
    // An executor's own verdicts: lost beats everything, a cancel from outside is a kill.
    expect(endStateOf({ exitCode: null, signal: null, error: "node failed", lost: true, limit: "timeout" })).toBe("lost");
    expect(endStateOf({ exitCode: 143, signal: null, cancelled: true })).toBe("killed");
    // Lost after a kill was asked for: gone as asked.
    expect(endStateOf({ exitCode: null, signal: null, error: "node failed", lost: true, killRequested: true })).toBe("killed");
  });
});
