/**
 * Both migration histories come from the one prisma/schema.prisma: replayed, or applied to
 * a real database, each provider's migrations give exactly the schema (the schema engine's
 * diff is empty). And a schema change gives a PostgreSQL migration too, written offline
 * (replayed on a throw-away server) and applied without losing rows.
 */
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import pg from "pg";
import { afterAll, describe, expect, it } from "vitest";
import { projectRoot } from "../../lib/server/bootstrap";
import { applyMigrations, createMigration, databaseSchemaChange, pendingSchemaChange } from "./schema-engine";
import { providerFiles } from "./provider-schema";
import { createTestDatabase } from "./test-database";

const tmp = fs.mkdtempSync(path.join(os.tmpdir(), "qm-migrations-"));
afterAll(() => fs.rmSync(tmp, { recursive: true, force: true }));

const migrationNames = (root: string, provider: "sqlite" | "postgresql") =>
  fs.readdirSync(providerFiles(root, provider).migrationsDir, { withFileTypes: true }).filter((d) => d.isDirectory()).map((d) => d.name).sort();

describe("migrations per provider", () => {
  for (const provider of ["sqlite", "postgresql"] as const) {
    it(`${provider}: the migrations, replayed or applied to a real database, give exactly the schema`, async () => {
      expect(await pendingSchemaChange(projectRoot, provider)).toBeNull();
      const url = await createTestDatabase(tmp, { empty: true, dialect: provider });
      expect(await databaseSchemaChange(projectRoot, url)).toMatch(/CREATE TABLE "Job"/); // the check can fail
      expect(await applyMigrations(projectRoot, url)).toEqual(migrationNames(projectRoot, provider));
      expect(await databaseSchemaChange(projectRoot, url)).toBeNull();
      expect(await applyMigrations(projectRoot, url)).toEqual([]);
    });
  }

  it("a schema change gives the next PostgreSQL migration, applied without losing rows", async () => {
    const root = path.join(tmp, "copy");
    fs.cpSync(path.join(projectRoot, "prisma"), path.join(root, "prisma"), { recursive: true });
    const url = await createTestDatabase(tmp, { empty: true, dialect: "postgresql" });
    await applyMigrations(root, url);
    const client = new pg.Client({ connectionString: url });
    await client.connect();
    try {
      await client.query(`INSERT INTO "Job" ("name", "script", "state", "folder", "source", "updatedAt") VALUES ('kept', 'true', 'done', 'QM_dJobs/kept', 'folder', now())`);
      const schemaPath = path.join(root, "prisma/schema.prisma");
      const schema = fs.readFileSync(schemaPath, "utf8");
      fs.writeFileSync(schemaPath, schema.replace("  info        String?\n", '  info        String?\n  queueNote   String   @default("none")\n'));

      const dir = await createMigration(root, "add_queue_note", "postgresql");
      expect(path.dirname(dir!)).toBe(path.join(root, "prisma/postgresql/migrations"));
      expect(fs.readFileSync(path.join(dir!, "migration.sql"), "utf8")).toContain(`ALTER TABLE "Job" ADD COLUMN     "queueNote" TEXT NOT NULL DEFAULT 'none';`);
      expect(await applyMigrations(root, url)).toEqual([path.basename(dir!)]);
      expect((await client.query(`SELECT "name", "queueNote" FROM "Job"`)).rows).toEqual([{ name: "kept", queueNote: "none" }]);
      expect(await createMigration(root, "nothing_changed", "postgresql")).toBeNull();
    } finally {
      await client.end();
    }
  });

  it("a database a newer QueueManager migrated is refused, naming its migrations, and nothing is changed", async () => {
    const url = await createTestDatabase(tmp, { dialect: "postgresql" });
    const client = new pg.Client({ connectionString: url });
    await client.connect();
    try {
      await client.query(`INSERT INTO _prisma_migrations (id, checksum, finished_at, migration_name, started_at, applied_steps_count) VALUES ('f', 'x', now(), '20991231000000_from_the_future', now(), 1)`);
      const snapshot = async () => ({
        applied: (await client.query(`SELECT migration_name, checksum FROM _prisma_migrations ORDER BY migration_name`)).rows,
        columns: (await client.query(`SELECT table_name, column_name, data_type FROM information_schema.columns WHERE table_schema = current_schema() ORDER BY 1, 2`)).rows,
      });
      const before = await snapshot();
      // The older code: one migration folder fewer than the database has applied.
      const older = path.join(tmp, "older");
      fs.cpSync(path.join(projectRoot, "prisma"), path.join(older, "prisma"), { recursive: true });
      const newest = migrationNames(older, "postgresql").at(-1)!;
      fs.rmSync(path.join(providerFiles(older, "postgresql").migrationsDir, newest), { recursive: true });
      const refusal = `is newer than this QueueManager: it holds migrations ${newest}, 20991231000000_from_the_future, applied by a newer version, which prisma/postgresql/migrations does not have`;
      await expect(applyMigrations(older, url)).rejects.toThrow(refusal);
      await expect(applyMigrations(older, url)).rejects.toThrow("restore the pg_dump made before the upgrade into an empty database (docs/postgresql.md, Backups)");
      expect(await snapshot()).toEqual(before);
    } finally {
      await client.end();
    }
  });
});
