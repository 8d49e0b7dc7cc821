/**
 * The migrations folder as the schema engine wants it, and whether a database already has
 * them all (or more: a newer QueueManager's). That check uses a plain connection: the schema engine waits for other
 * connections (a running web server or worker) to close, which it need not do when there
 * is nothing to apply.
 */
import fs from "node:fs";
import { createHash } from "node:crypto";
import path from "node:path";
import Database from "better-sqlite3";
import { databaseDialect, redactDatabaseUrl, sqliteFilePath } from "../../lib/server/database-url";
import { providerFiles } from "./provider-schema";

type MigrationList = import("@prisma/schema-engine-wasm").MigrationList;

/** A migrations folder in the shape the Prisma CLI gives the engine. */
export function readMigrations(baseDir: string): MigrationList {
  const lockPath = path.join(baseDir, "migration_lock.toml");
  const dirs = fs.existsSync(baseDir)
    ? fs.readdirSync(baseDir, { withFileTypes: true }).filter((d) => d.isDirectory()).map((d) => d.name).sort()
    : [];
  return {
    baseDir,
    lockfile: { path: "migration_lock.toml", content: fs.existsSync(lockPath) ? fs.readFileSync(lockPath, "utf8") : null },
    shadowDbInitScript: "",
    migrationDirectories: dirs.map((dir) => {
      const file = path.join(baseDir, dir, "migration.sql");
      return {
        path: dir,
        migrationFile: {
          path: "migration.sql",
          content: fs.existsSync(file)
            ? { tag: "ok" as const, value: fs.readFileSync(file, "utf8") }
            : { tag: "error" as const, value: `${file} is missing` },
        },
      };
    }),
  };
}

interface AppliedRow {
  migration_name: string;
  checksum: string;
}

const APPLIED = `SELECT migration_name, checksum FROM _prisma_migrations WHERE finished_at IS NOT NULL AND rolled_back_at IS NULL`;

async function appliedSqlite(databaseUrl: string): Promise<AppliedRow[] | null> {
  const file = sqliteFilePath(databaseUrl);
  if (file === ":memory:" || !fs.existsSync(file)) return null;
  const sqlite = new Database(file, { readonly: true, timeout: 10_000 });
  try {
    const hasTable = sqlite.prepare("SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = '_prisma_migrations'").get();
    return hasTable ? (sqlite.prepare(APPLIED).all() as AppliedRow[]) : null;
  } finally {
    sqlite.close();
  }
}

async function appliedPostgres(databaseUrl: string): Promise<AppliedRow[] | null> {
  const { default: pg } = await import("pg"); // not loaded by programs on SQLite
  const client = new pg.Client({ connectionString: databaseUrl });
  await client.connect();
  try {
    const { rows } = await client.query<{ table: string | null }>(`SELECT to_regclass('_prisma_migrations')::text AS "table"`);
    return rows[0].table ? (await client.query<AppliedRow>(APPLIED)).rows : null;
  } finally {
    await client.end();
  }
}

/** What a database holds against this code's migrations folder. */
export interface MigrationState {
  /** Every migration folder of the database's provider is recorded as applied, with its checksum. */
  upToDate: boolean;
  /** Migrations the database records as applied that the folder does not have (a newer QueueManager's), sorted. */
  unknown: string[];
}

export async function migrationState(root: string, databaseUrl: string): Promise<MigrationState> {
  const provider = databaseDialect(databaseUrl);
  const rows = provider === "sqlite" ? await appliedSqlite(databaseUrl) : await appliedPostgres(databaseUrl);
  if (!rows) return { upToDate: false, unknown: [] };
  const applied = new Map(rows.map((r) => [r.migration_name, r.checksum]));
  const dirs = readMigrations(providerFiles(root, provider).migrationsDir).migrationDirectories;
  const known = new Set(dirs.map((dir) => dir.path));
  const upToDate = dirs.every((dir) => {
    const content = dir.migrationFile.content;
    return content.tag === "ok" && applied.get(dir.path) === createHash("sha256").update(content.value).digest("hex");
  });
  return { upToDate, unknown: [...applied.keys()].filter((name) => !known.has(name)).sort() };
}

/**
 * Why `databaseUrl` is left alone: a newer QueueManager applied `unknown` to it, and this
 * code (older) would run on tables it does not know, with no way back but a backup.
 */
export function databaseNewerThanCode(root: string, databaseUrl: string, unknown: string[]): string {
  const provider = databaseDialect(databaseUrl);
  const folder = path.relative(root, providerFiles(root, provider).migrationsDir);
  const backup =
    provider === "sqlite"
      ? "restore the backup made before the upgrade (docs/deploy.md, Backups)"
      : "restore the pg_dump made before the upgrade into an empty database (docs/postgresql.md, Backups)";
  const these = unknown.length === 1 ? `migration ${unknown[0]}` : `migrations ${unknown.join(", ")}`;
  return `the database ${redactDatabaseUrl(databaseUrl)} is newer than this QueueManager: it holds ${these}, applied by a newer version, which ${folder} does not have. This code is older than the database and would not know all of its tables and columns; nothing was changed. Run the newer QueueManager again (git pull, npm ci, npm run build), or ${backup}`;
}
