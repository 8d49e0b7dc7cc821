/**
 * The line a program ends on when it cannot start, read as systemd's journal reads it: the
 * worker's and the migration tool's (qm-web's ExecStartPre), real processes with stdout on a
 * file that JOURNAL_STREAM names, as journald's socket is named.
 */
import { spawnSync } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { cannotStartLine } from "./logger";

const root = path.resolve(import.meta.dirname, "../..");

describe("a program that cannot start, under systemd", () => {
  // stdout is the journal when JOURNAL_STREAM names it: here a file standing in for the socket.
  it("says why at priority err, so that journalctl -p warning shows it (the worker and the units' checks)", () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), "qm-journal-"));
    try {
      fs.writeFileSync(path.join(dir, "QMserv.cfg"), "[QMServer]\nQM_FOLDER = QM\nMaxNbProcessors = lots\n");
      const out = path.join(dir, "journal");
      const run = (script: string, ...args: string[]) => {
        const fd = fs.openSync(out, "w");
        const { dev, ino } = fs.fstatSync(fd);
        const env = { ...process.env, JOURNAL_STREAM: `${dev}:${ino}`, QM_CONFIG: path.join(dir, "QMserv.cfg"), QM_DATA: dir };
        const result = spawnSync(process.execPath, ["--import", "tsx", script, ...args], { cwd: root, env, stdio: ["ignore", fd, fd] });
        fs.closeSync(fd);
        expect(result.status).toBe(1);
        return fs.readFileSync(out, "utf8");
      };
      expect(run("worker/main.ts")).toMatch(/^<3>ERROR worker cannot start: \/\S+\/QMserv\.cfg: MaxNbProcessors must be a whole number\n$/);
      expect(run("prisma/tools/migrate.ts", "nonsense")).toMatch(/^<3>ERROR usage: migrate\.ts deploy \| create <name>\n$/);
      expect(cannotStartLine("the build is missing", false, "the build is missing")).toBe("the build is missing"); // a terminal: as before
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  }, 30_000);
});
