/**
 * The layout of docs/deploy.md keeps the SQLite file beside QM_FOLDER: a job that fills the
 * disk stops the worker's heartbeat (its writes fail) while the worker runs on. /api/health
 * said "it died or hangs"; it says the database's disk is full. On a real full tmpfs (root).
 */
import { execFileSync } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { checkHealth } from "./health";
import type { Sql } from "./store/sql";

const now = new Date("2026-12-01T12:00:00Z");
/** The heartbeat row as the worker last wrote it, 40 s ago. */
const stale = { get: async () => ({ heartbeatAt: new Date(now.getTime() - 40_000).toISOString(), stats: "{}" }) } as unknown as Sql;

let disk: string | undefined;
afterEach(() => {
  if (disk) execFileSync("umount", ["-l", disk]);
  if (disk) fs.rmdirSync(disk);
  disk = undefined;
});

describe("health with the database's disk full", () => {
  it.skipIf(process.getuid?.() !== 0)("says the disk is full rather than that the worker died", async (test) => {
    const folder = fs.mkdtempSync(path.join(os.tmpdir(), "qm-health-disk-"));
    try {
      execFileSync("mount", ["-t", "tmpfs", "-o", "size=2m", "tmpfs", folder], { stdio: "pipe" });
    } catch {
      fs.rmdirSync(folder);
      return test.skip();
    }
    disk = folder;
    expect((await checkHealth(stale, now, { databaseFolder: folder })).reason).toMatch(/it died or hangs; see its log$/); // room left: as before
    try {
      fs.writeFileSync(path.join(folder, "filler"), Buffer.alloc(4 * 1024 * 1024));
    } catch {
      // ENOSPC: the disk is full, as a job leaves it
    }
    expect(await checkHealth(stale, now, { databaseFolder: folder })).toMatchObject({
      status: "unhealthy",
      checks: { database: "ok", worker: "stale" },
      reason: `the worker's last heartbeat is 40 s old (more than 15 s): the disk of the database (${folder}) is full (0 B free), so the worker cannot write to it; free some space there`,
    });
  });

  it.skipIf(process.getuid?.() !== 0)("says the disk has no free inodes when empty files took them all", async (test) => {
    const folder = fs.mkdtempSync(path.join(os.tmpdir(), "qm-health-inodes-"));
    try {
      execFileSync("mount", ["-t", "tmpfs", "-o", "size=2m,nr_inodes=50", "tmpfs", folder], { stdio: "pipe" });
    } catch {
      fs.rmdirSync(folder);
      return test.skip();
    }
    disk = folder;
    expect((await checkHealth(stale, now, { databaseFolder: folder })).reason).toMatch(/it died or hangs; see its log$/);
    try {
      for (let i = 0; i < 100; i++) fs.writeFileSync(path.join(folder, String(i)), "");
    } catch {
      // ENOSPC: no inode left, bytes plentiful
    }
    expect(fs.statfsSync(folder).bavail).toBeGreaterThan(0);
    expect((await checkHealth(stale, now, { databaseFolder: folder })).reason).toBe(
      `the worker's last heartbeat is 40 s old (more than 15 s): the disk of the database (${folder}) has no free inodes (files) left, so the worker cannot write to it; remove files there`,
    );
  });
});
