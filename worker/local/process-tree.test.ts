import { spawn } from "node:child_process";
import { describe, expect, it } from "vitest";
import { groupMembers, isProcessAlive, signalGroup } from "./process-tree";

describe("process-tree", () => {
  it("never signals its own group or every process (pgid 0 or 1)", () => {
    expect(signalGroup(0, "SIGTERM")).toBe(false);
    expect(signalGroup(1, "SIGTERM")).toBe(false);
    expect(groupMembers(0)).toEqual([]);
    expect(isProcessAlive(process.pid)).toBe(true);
  });

  it("finds and kills every member of a detached group", async () => {
    const child = spawn("/bin/sh", ["-c", "sleep 30 & sleep 31 & wait"], { detached: true, stdio: "ignore" });
    const pgid = child.pid!;
    await expect.poll(() => groupMembers(pgid).length, { timeout: 10_000 }).toBe(3);
    expect(signalGroup(pgid, "SIGKILL")).toBe(true);
    await expect.poll(() => groupMembers(pgid).length, { timeout: 10_000 }).toBe(0);
    expect(isProcessAlive(pgid)).toBe(false);
  });
});
