/**
 * The offline migration route end to end, on a copy of prisma/: a schema change gives a
 * second migration whose SQL is right, and applying it keeps existing rows.
 */
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import Database from "better-sqlite3";
import { afterAll, describe, expect, it } from "vitest";
import { applyMigrations, createMigration } from "./schema-engine";
import { projectRoot } from "../../lib/server/bootstrap";
import { createHash } from "node:crypto";
import { execFile } from "node:child_process";
import { promisify } from "node:util";

const root = fs.mkdtempSync(path.join(os.tmpdir(), "qm-migrate-"));
const dbUrl = `file:${path.join(root, "qm.db")}`;

afterAll(() => fs.rmSync(root, { recursive: true, force: true }));

describe("offline migrations", () => {
  it("applies the committed migrations and records them as prisma migrate deploy does", async () => {
    fs.cpSync(path.join(projectRoot, "prisma"), path.join(root, "prisma"), { recursive: true });
    const applied = await applyMigrations(root, dbUrl);
    expect(applied.length).toBeGreaterThan(0);
    const sqlite = new Database(path.join(root, "qm.db"));
    const rows = sqlite.prepare("SELECT migration_name, checksum, finished_at FROM _prisma_migrations").all() as {
      migration_name: string;
      checksum: string;
      finished_at: string | null;
    }[];
    for (const row of rows) {
      const sql = fs.readFileSync(path.join(root, "prisma/migrations", row.migration_name, "migration.sql"));
      expect(row.checksum).toBe(createHash("sha256").update(sql).digest("hex"));
      expect(row.finished_at).not.toBeNull();
    }
    sqlite.prepare("INSERT INTO Job (name, script, state, folder, source, updatedAt) VALUES ('kept', 'true', 'done', 'QM_dJobs/kept', 'folder', 0)").run();
    // Another program (web server, worker) has the database open: nothing is pending,
    // so start-up must not wait for it.
    const t0 = Date.now();
    expect(await applyMigrations(root, dbUrl)).toEqual([]);
    expect(Date.now() - t0).toBeLessThan(5_000);
    sqlite.close();
  });

  it("writes the next migration from a schema change and applies it without losing rows", async () => {
    const schemaPath = path.join(root, "prisma/schema.prisma");
    const schema = fs.readFileSync(schemaPath, "utf8");
    fs.writeFileSync(schemaPath, schema.replace("  info        String?\n", "  info        String?\n  queueNote   String   @default(\"none\")\n"));
    const dir = await createMigration(root, "add_queue_note");
    expect(dir).not.toBeNull();
    const sql = fs.readFileSync(path.join(dir!, "migration.sql"), "utf8");
    // SQLite cannot add a NOT NULL column with every constraint in place, so Prisma
    // rebuilds the table and copies the rows over; either way the column must appear.
    expect(sql).toMatch(/queueNote/);
    expect(await applyMigrations(root, dbUrl)).toEqual([path.basename(dir!)]);
    const sqlite = new Database(path.join(root, "qm.db"));
    const job = sqlite.prepare("SELECT name, queueNote FROM Job").get() as { name: string; queueNote: string };
    sqlite.close();
    expect(job).toEqual({ name: "kept", queueNote: "none" });
    expect(await createMigration(root, "nothing_changed")).toBeNull();
  });

  it("refuses a database a newer QueueManager migrated, naming its migrations, and changes nothing", async () => {
    // This code is the older one: the newest migration folder is not in its copy of prisma/.
    const older = path.join(root, "older");
    fs.cpSync(path.join(projectRoot, "prisma"), path.join(older, "prisma"), { recursive: true });
    const names = fs.readdirSync(path.join(older, "prisma/migrations"), { withFileTypes: true }).filter((d) => d.isDirectory()).map((d) => d.name).sort();
    const newest = names.at(-1)!;
    fs.rmSync(path.join(older, "prisma/migrations", newest), { recursive: true });
    const file = path.join(root, "newer.db");
    await applyMigrations(projectRoot, `file:${file}`);
    const snapshot = () => {
      const sqlite = new Database(file, { readonly: true });
      try {
        return {
          applied: sqlite.prepare("SELECT migration_name, checksum, finished_at FROM _prisma_migrations ORDER BY migration_name").all(),
          schema: sqlite.prepare("SELECT name, sql FROM sqlite_master ORDER BY name").all(),
        };
      } finally {
        sqlite.close();
      }
    };
    const before = snapshot();
    await expect(applyMigrations(older, `file:${file}`)).rejects.toThrow(
      `the database file:${file} is newer than this QueueManager: it holds migration ${newest}, applied by a newer version, which prisma/migrations does not have. This code is older than the database`,
    );
    expect(snapshot()).toEqual(before);

    // npm run db:migrate (this checkout's migrations) on a database with two it does not know.
    const sqlite = new Database(file);
    const future = ["20991231000000_from_the_future", "20991231000001_and_more"];
    for (const name of future) {
      sqlite.prepare("INSERT INTO _prisma_migrations (id, checksum, finished_at, migration_name, started_at, applied_steps_count) VALUES (?, 'x', 1, ?, 1, 1)").run(name, name);
    }
    sqlite.close();
    const after = snapshot();
    const run = await promisify(execFile)(process.execPath, ["--import", "tsx", "prisma/tools/migrate.ts", "deploy"], {
      cwd: projectRoot,
      env: { ...process.env, DATABASE_URL: `file:${file}`, JOURNAL_STREAM: "" },
    }).then(
      () => ({ code: 0, stderr: "" }),
      (error: { code: number; stderr: string }) => ({ code: error.code, stderr: error.stderr }),
    );
    expect(run.code).toBe(1);
    expect(run.stderr).toContain(`it holds migrations ${future.join(", ")}, applied by a newer version, which prisma/migrations does not have`);
    expect(run.stderr).toContain("nothing was changed. Run the newer QueueManager again (git pull, npm ci, npm run build), or restore the backup made before the upgrade (docs/deploy.md, Backups)");
    expect(snapshot()).toEqual(after);
  });
});
