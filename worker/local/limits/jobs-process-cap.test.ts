import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { afterEach, expect, it } from "vitest";
import { jobsProcessCap } from "./jobs-process-cap";

let dir: string;
afterEach(() => fs.rmSync(dir, { recursive: true, force: true }));

it("leaves the rest of the machine half of kernel.pid_max, whatever the jobs fork", () => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), "qm-pid-max-"));
  const pidMax = (text: string) => {
    fs.writeFileSync(path.join(dir, "pid_max"), text);
    return jobsProcessCap(path.join(dir, "pid_max"));
  };
  expect(pidMax("32768\n")).toBe(16384);
  expect(pidMax("4194304\n")).toBe(2097152);
  expect(pidMax("32769\n")).toBe(16384);
  // Unreadable: the kernel's default is taken.
  expect(jobsProcessCap(path.join(dir, "missing"))).toBe(16384);
});
