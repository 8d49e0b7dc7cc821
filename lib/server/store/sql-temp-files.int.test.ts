/**
 * The embedded database makes no temporary files: a sort bigger than its cache stays in
 * memory instead of spilling to /var/tmp or /tmp, whose mtimes tell the worker's identity
 * pool whether a run's uid may have left files there (worker/local/identity.ts). Run in a
 * child process, because SQLite reads SQLITE_TMPDIR once, when it starts.
 */
import { spawnSync } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { afterEach, expect, it } from "vitest";

const projectRoot = path.resolve(import.meta.dirname, "../../..");
let dir: string;
afterEach(() => fs.rmSync(dir, { recursive: true, force: true }));

/** Sort 200,000 rows of 100 bytes (20 MB, ten times the default cache) through `open`; the temporary folder's entries and mtime after it. */
function sortWithTempDir(open: "openSql" | "plain") {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), "qm-sql-temp-"));
  const tmp = path.join(dir, "tmp");
  fs.mkdirSync(tmp);
  const script = `
    import Database from "better-sqlite3";
    import { openSql } from "${path.join(projectRoot, "lib/server/store/sql.ts")}";
    const file = ${JSON.stringify(path.join(dir, "db.sqlite"))};
    const sql = ${open === "openSql" ? `openSql("file:" + file)` : `(() => { const db = new Database(file); return { all: (q) => db.prepare(q).all(), run: (q) => db.prepare(q).run() }; })()`};
    sql.run("CREATE TABLE t (v TEXT)");
    sql.run("WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < 200000) INSERT INTO t SELECT hex(randomblob(50)) FROM n");
    const rows = await sql.all("SELECT v FROM t ORDER BY v");
    console.log(rows.length);
  `;
  const before = fs.statSync(tmp).mtimeMs;
  const result = spawnSync(process.execPath, ["--import", "tsx", "--input-type=module", "-e", script], {
    cwd: projectRoot,
    env: { ...process.env, SQLITE_TMPDIR: tmp },
    encoding: "utf8",
  });
  expect(result.stderr).toBe("");
  expect(result.stdout.trim()).toBe("200000");
  return { changed: fs.statSync(tmp).mtimeMs !== before };
}

it("SQLite as it comes spills such a sort to a file in SQLITE_TMPDIR (what the next test rules out)", () => {
  expect(sortWithTempDir("plain").changed).toBe(true);
}, 60_000);

it("the store's connection keeps it in memory: the temporary folder is left alone", () => {
  expect(sortWithTempDir("openSql").changed).toBe(false);
}, 60_000);
