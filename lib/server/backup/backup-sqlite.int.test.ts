/** A backup made by root belongs to the database's owner, so that the qm account's nightly backups can still write beside it. */
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import Database from "better-sqlite3";
import { afterEach, describe, expect, it } from "vitest";
import { backupSqlite } from "./backup-sqlite";

let dir: string | undefined;
afterEach(() => dir && fs.rmSync(dir, { recursive: true, force: true }));

describe("backupSqlite run by root", () => {
  it.skipIf(process.getuid?.() !== 0)("gives the copy and the backups folder it made to the database's owner", () => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), "qm-backup-"));
    const source = path.join(dir, "qm.db");
    const db = new Database(source);
    db.exec(`CREATE TABLE "Job" ("id" INTEGER PRIMARY KEY, "state" TEXT NOT NULL)`);
    db.close();
    const owner = { uid: 65534, gid: 65534 };
    fs.chownSync(source, owner.uid, owner.gid);
    const file = path.join(dir, "backups", "qm-2026-12-01T03-30-00Z.db");
    backupSqlite(`file:${source}`, file);
    for (const made of [file, path.dirname(file)]) expect({ uid: fs.statSync(made).uid, gid: fs.statSync(made).gid }, made).toEqual(owner);
    expect(fs.statSync(dir).uid).toBe(0); // a folder that was there is left alone
  });
});
