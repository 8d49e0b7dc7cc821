/**
 * A SQLite database restored or copied by root (docs/deploy.md's restore without `install -o
 * qm`) cannot be opened by the qm account: the start said only "unable to open database file".
 * The migration tool of qm-web's ExecStartPre, run as an unprivileged account (root runs the
 * test), now says which file, whose it is and what to type.
 */
import { spawnSync } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import Database from "better-sqlite3";
import { afterEach, describe, expect, it } from "vitest";

const root = path.resolve(import.meta.dirname, "../..");
const NOBODY = 65534;
let dir: string | undefined;
afterEach(() => dir && fs.rmSync(dir, { recursive: true, force: true }));

describe("a database the service's account cannot open", () => {
  it.skipIf(process.getuid?.() !== 0)("is named, with its owner and the chown that fixes it", () => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), "qm-db-owner-"));
    fs.chmodSync(dir, 0o755);
    fs.chownSync(dir, NOBODY, NOBODY);
    const file = path.join(dir, "qm.db");
    new Database(file).close(); // root's, 0600: as `cp backups/qm-....db qm.db` in a root shell makes it
    fs.chmodSync(file, 0o600);
    const run = spawnSync(process.execPath, ["--import", "tsx", "prisma/tools/migrate.ts", "deploy"], {
      cwd: root, uid: NOBODY, gid: NOBODY, encoding: "utf8",
      env: { NODE_ENV: "test", PATH: process.env.PATH, HOME: dir, TMPDIR: dir, QM_DATA: dir, QM_CONFIG: path.join(dir, "QMserv.cfg") },
    });
    expect(run.status, run.stderr).toBe(1);
    expect(run.stderr.trim()).toBe(
      `cannot open the database file:${file} (DATABASE_URL): unable to open database file; ${file} belongs to root (uid 0), mode 600, and this program runs as nobody (uid 65534): ` +
        `the database, its -wal and -shm files and their folder must be writable by the account that runs QueueManager (chown nobody: ${file}*, as root)`,
    );
  }, 30_000);
});
