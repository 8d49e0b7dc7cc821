import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { expect, it } from "vitest";
import { CAP_SYS_ADMIN, hasCapability } from "./capabilities";

it("reads a capability from CapEff: the qm-worker unit's set lacks CAP_SYS_ADMIN, a full root set has it", () => {
  const status = (capEff: string) => {
    const file = path.join(fs.mkdtempSync(path.join(os.tmpdir(), "qm-caps-")), "status");
    fs.writeFileSync(file, `Name:\tnode\nCapInh:\t0000000000000000\nCapEff:\t${capEff}\n`);
    return file;
  };
  // CAP_CHOWN CAP_DAC_OVERRIDE CAP_FOWNER CAP_KILL CAP_SETUID CAP_SETGID CAP_SYS_PTRACE (deploy/systemd/qm-worker.service)
  const unit = ((1n << 0n) | (1n << 1n) | (1n << 3n) | (1n << 5n) | (1n << 7n) | (1n << 6n) | (1n << 19n)).toString(16).padStart(16, "0");
  expect(hasCapability(CAP_SYS_ADMIN, status(unit))).toBe(false);
  expect(hasCapability(7, status(unit))).toBe(true);
  expect(hasCapability(CAP_SYS_ADMIN, status("000001ffffffffff"))).toBe(true);
  expect(hasCapability(CAP_SYS_ADMIN, "/nonexistent/status")).toBe(false);
});
