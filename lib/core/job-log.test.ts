import { describe, expect, it } from "vitest";
import { parseShellTimes } from "./exit-record";
import { folderStamp, lastFooter, lastHeaderJobId, lastRunOutput, logFooter, logHeader, outcomeWords } from "./job-log";
import { parseProgress } from "./progress";

const at = new Date("2026-11-28T04:36:00.123Z");

describe("process.log header and footer", () => {
  it("puts the clamp warning at the top and reads the job id back", () => {
    const text = logHeader({ jobId: 7, name: "my job", host: "h", script: "python x.py", requested: 12, granted: 2, maxNbProcessors: 2, at });
    expect(text.split("\n")[0]).toMatch(/warning: nb_proc = 12 is more than MaxNbProcessors = 2/);
    expect(text).toContain("=== command: python x.py");
    expect(lastHeaderJobId(`old\n${logHeader({ jobId: 3, name: "a", host: "h", script: "s", requested: 1, granted: 1, maxNbProcessors: 2, at })}${text}`)).toBe(7);
  });

  it("reads the outcome of the last run only", () => {
    const h = (id: number) => logHeader({ jobId: id, name: "a", host: "h", script: "s", requested: 1, granted: 1, maxNbProcessors: 2, at });
    const run1 = h(1) + logFooter({ jobId: 1, at, exitCode: 3, signal: null, durationMs: 1500 });
    expect(lastFooter(run1)).toEqual({ exitCode: 3, signal: null });
    expect(lastFooter(run1 + h(1))).toBeNull();
    expect(lastFooter(run1 + h(1) + logFooter({ jobId: 1, at, exitCode: null, signal: "SIGKILL", durationMs: 1 }))).toEqual({ exitCode: null, signal: "SIGKILL" });
  });

  it("tells the last run's output from the earlier runs' (a requeued job's progress is its own)", () => {
    const h = (id: number) => logHeader({ jobId: id, name: "a", host: "h", script: "s", requested: 1, granted: 1, maxNbProcessors: 2, at, runToken: "r-1" });
    const first = `${h(4)}processing 10 / 10\n${logFooter({ jobId: 4, at, exitCode: 0, signal: null, durationMs: 1 })}`;
    expect(parseProgress(lastRunOutput(`${first}${h(4)}starting again\n`))).toBeNull();
    expect(parseProgress(lastRunOutput(`${first}${h(4)}processing 1 / 4\n`))).toBe(25);
    // No header in the text (the tail of a long run's output): all of it is the run's.
    expect(lastRunOutput("processing 3 / 4\n")).toBe("processing 3 / 4\n");
  });

  it("says 'no exit code' for a run that ended without one (cancelled while pending in Slurm, refused, lost), and reads it back", () => {
    // The footer and the job's history said "exit code null".
    const footer = logFooter({ jobId: 6, at, exitCode: null, signal: null, durationMs: 7000, state: "killed", note: "cancelled from outside QueueManager (scancel)" });
    expect(footer).toContain(": no exit code, duration 7 s, state killed\n");
    expect(footer).not.toContain("null");
    expect(lastFooter(footer)).toEqual({ exitCode: null, signal: null });
    // Footers written before still read.
    expect(lastFooter(footer.replace("no exit code", "exit code null"))).toEqual({ exitCode: null, signal: null });
    expect(outcomeWords(null, null)).toBe("no exit code");
    expect(outcomeWords(2, null)).toBe("exit code 2");
    expect(outcomeWords(null, "SIGTERM")).toBe("killed by SIGTERM");
  });

  it("writes the duration as every page shows it, which the outcome reader skips", () => {
    for (const [durationMs, text] of [[65_000, "1 min 5 s"], [12, "< 1 s"], [-1, "—"]] as const) {
      const footer = logFooter({ jobId: 4, at, exitCode: 0, signal: null, durationMs });
      expect(footer).toContain(`: exit code 0, duration ${text}\n`);
      expect(lastFooter(footer)).toEqual({ exitCode: 0, signal: null });
    }
  });

  it("stamps folders without colons", () => {
    expect(folderStamp(at)).toBe("2026-11-28T04-36-00Z");
  });

  it("adds the shell's and its children's user and system times", () => {
    expect(parseShellTimes("0m0.010000s 0m0.002000s\n1m2.500000s 0m0.488000s\n")).toBe(63.0);
    expect(parseShellTimes("")).toBeNull();
  });
});
