/**
 * A backup made by root belongs to the database's owner, so that the qm account's nightly
 * backups can still write beside it; a backup that does not fit on its disk says so and
 * leaves nothing behind.
 */
import { execFileSync } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import Database from "better-sqlite3";
import { afterEach, describe, expect, it } from "vitest";
import { backupSqlite } from "./backup-sqlite";

let dir: string | undefined;
let mounted: string | undefined;
afterEach(() => {
  if (mounted) execFileSync("umount", ["-l", mounted]);
  mounted = undefined;
  if (dir) fs.rmSync(dir, { recursive: true, force: true });
});

/** A database of about `mb` MB, with the Job table the check counts. */
function makeDatabase(file: string, mb = 0): void {
  const db = new Database(file);
  db.exec(`CREATE TABLE "Job" ("id" INTEGER PRIMARY KEY, "state" TEXT NOT NULL, "notes" BLOB)`);
  if (mb) db.prepare(`INSERT INTO "Job" ("state", "notes") VALUES ('done', ?)`).run(Buffer.alloc(mb * 1024 * 1024, 1));
  db.close();
}

describe("backupSqlite run by root", () => {
  it.skipIf(process.getuid?.() !== 0)("gives the copy and the backups folder it made to the database's owner", () => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), "qm-backup-"));
    const source = path.join(dir, "qm.db");
    makeDatabase(source);
    const owner = { uid: 65534, gid: 65534 };
    fs.chownSync(source, owner.uid, owner.gid);
    const file = path.join(dir, "backups", "qm-2026-12-01T03-30-00Z.db");
    backupSqlite(`file:${source}`, file);
    for (const made of [file, path.dirname(file)]) expect({ uid: fs.statSync(made).uid, gid: fs.statSync(made).gid }, made).toEqual(owner);
    expect(fs.statSync(dir).uid).toBe(0); // a folder that was there is left alone
  });
});

describe("backupSqlite on a full disk", () => {
  // A 1 MB tmpfs for the backups (mounting needs root) and a 3 MB database: the copy cannot fit.
  it.skipIf(process.getuid?.() !== 0)("says which disk is full and leaves no partial copy, night after night", (test) => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), "qm-backup-"));
    const source = path.join(dir, "qm.db");
    makeDatabase(source, 3);
    const backups = path.join(dir, "backups");
    fs.mkdirSync(backups, { mode: 0o700 });
    try {
      execFileSync("mount", ["-t", "tmpfs", "-o", "size=1m,mode=700", "tmpfs", backups], { stdio: "pipe" });
    } catch {
      return test.skip();
    }
    mounted = backups;
    for (const night of ["2026-12-01T03-30-00Z", "2026-12-02T03-30-00Z"]) {
      expect(() => backupSqlite(`file:${source}`, path.join(backups, `qm-${night}.db`))).toThrow(
        new RegExp(`^the disk of ${backups} is full \\(.* free; the database takes 3 MB\\): free some space there, or write the copy to another disk`),
      );
    }
    expect(fs.readdirSync(backups)).toEqual([]);
  });
});
