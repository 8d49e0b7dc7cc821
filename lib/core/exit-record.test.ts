import { execFileSync } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { WRITE_EXIT_RECORD, parseExitRecord, signalOfStatus } from "./exit-record";

describe("exit records", () => {
  it("are written by /bin/sh builtins and read back: status and CPU time", () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), "qm-exit-"));
    const file = path.join(dir, "run.exit");
    execFileSync("/bin/sh", ["-c", `qm_exit="$1"; sh -c 'i=0; while [ $i -lt 300000 ]; do i=$((i+1)); done; exit 3'; qm_status=$?; ${WRITE_EXIT_RECORD}`, "qm", file]);
    const record = parseExitRecord(fs.readFileSync(file, "utf8"));
    expect(record?.status).toBe(3);
    expect(record?.cpuSeconds).toBeGreaterThan(0);
    fs.rmSync(dir, { recursive: true });
  });

  it("count as none when cut off before their last line", () => {
    expect(parseExitRecord("status=0\ntimes=0m0.01s 0m0.00s\n")).toBeNull();
    expect(parseExitRecord("")).toBeNull();
    expect(parseExitRecord("status=0\ntimes=0m0.01s 0m0.00s\n0m1.00s 0m0.50s\nend\n")).toEqual({ status: 0, cpuSeconds: 1.51 });
  });

  it("name the signal behind a shell status 128 + N", () => {
    expect([signalOfStatus(143), signalOfStatus(137), signalOfStatus(139), signalOfStatus(1), signalOfStatus(128)]).toEqual(["SIGTERM", "SIGKILL", "SIGSEGV", null, null]);
  });
});
