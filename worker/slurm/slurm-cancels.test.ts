import { afterEach, describe, expect, it, vi } from "vitest";
import { createSlurmCancels } from "./slurm-cancels";
import { SlurmCommandError } from "./slurm-cli";
import { createSlurmRun } from "./slurm-run";

afterEach(() => vi.useRealTimers());

describe("killing a running Slurm job", () => {
  it("counts Kill_Grace from when its SIGTERM reached Slurm, not from the request (slurmctld down meanwhile)", async () => {
    vi.useFakeTimers();
    let controllerUp = false;
    const calls: string[][] = [];
    const cancels = createSlurmCancels({
      cli: async (_command, args) => {
        if (!controllerUp) throw new SlurmCommandError("scancel", "scancel: error: Unable to contact slurm controller (connect failure)", false);
        calls.push(args);
        return "";
      },
      log: () => undefined, poke: () => undefined,
    });
    const run = createSlurmRun({ jobId: 1, runToken: "tok", dir: "/x", slurmJobId: "7", partition: null, running: true });
    const onKill = vi.fn();
    cancels.stop(run, 10_000, onKill);
    await vi.advanceTimersByTimeAsync(30_000); // the controller is down for 30 s, past the grace
    expect(onKill).not.toHaveBeenCalled();
    controllerUp = true;
    cancels.retry([run]); // after the next successful look
    await vi.advanceTimersByTimeAsync(0);
    expect(calls).toEqual([["--signal=TERM", "--full", "7"]]);
    await vi.advanceTimersByTimeAsync(9_000);
    expect(onKill).not.toHaveBeenCalled(); // the job has its whole grace to end on SIGTERM
    await vi.advanceTimersByTimeAsync(1_000);
    expect(onKill).toHaveBeenCalledOnce();
    await vi.advanceTimersByTimeAsync(0);
    expect(calls.at(-1)).toEqual(["7"]);
    cancels.close();
  });

  it("gives no grace to a job that ended on its SIGTERM within it", async () => {
    vi.useFakeTimers();
    const cancels = createSlurmCancels({ cli: async () => "", log: () => undefined, poke: () => undefined });
    const run = createSlurmRun({ jobId: 1, runToken: "tok", dir: "/x", slurmJobId: "7", partition: null, running: true });
    const onKill = vi.fn();
    cancels.stop(run, 10_000, onKill);
    await vi.advanceTimersByTimeAsync(2_000);
    run.finish({ exitCode: 9, signal: null, cpuSeconds: null });
    await vi.advanceTimersByTimeAsync(20_000);
    expect(onKill).not.toHaveBeenCalled();
    cancels.close();
  });
});
