/**
 * The wasm schema engine, loaded by hand, on the SQLite or PostgreSQL driver adapter.
 * Used by `npm run db:migrate`, `npm run db:migration` and at every start. Each provider
 * has its own migrations folder, both written from the one prisma/schema.prisma.
 */
import fs from "node:fs";
import path from "node:path";
import { createRequire } from "node:module";
import { bindMigrationAwareSqlAdapterFactory } from "@prisma/driver-adapter-utils";
import { cannotOpenDatabase, databaseDialect } from "../../lib/server/database-url";
import { type MigrationState, databaseNewerThanCode, migrationState, readMigrations } from "./applied-migrations";
import { type EngineFactory, postgresEngineFactory, scratchPostgresEngineFactory, sqliteEngineFactory } from "./engine-adapters";
import { type Provider, providerFiles, readSchema } from "./provider-schema";

const require = createRequire(import.meta.url);
type Engine = import("@prisma/schema-engine-wasm").SchemaEngine;

const noFilter = { externalTables: [], externalEnums: [] };

let wasmReady: Promise<typeof import("@prisma/schema-engine-wasm/schema_engine_bg")> | undefined;

function loadWasm() {
  wasmReady ??= (async () => {
    const bgPath = require.resolve("@prisma/schema-engine-wasm/schema_engine_bg");
    const pkgDir = path.dirname(bgPath);
    const bg = await import("@prisma/schema-engine-wasm/schema_engine_bg");
    const module = new WebAssembly.Module(fs.readFileSync(path.join(pkgDir, "schema_engine_bg.wasm")));
    const instance = new WebAssembly.Instance(module, { "./schema_engine_bg.js": bg as never });
    bg.__wbg_set_wasm(instance.exports);
    (instance.exports as { __wbindgen_start: () => void }).__wbindgen_start();
    return bg;
  })();
  return wasmReady;
}

/** Run `fn` with an engine for `provider`'s schema on `adapters`; everything is closed after. */
async function withEngine<T>(root: string, provider: Provider, adapters: EngineFactory, fn: (engine: Engine) => Promise<T>): Promise<T> {
  const bg = await loadWasm();
  const logs: string[] = [];
  let engine: Engine | undefined;
  try {
    engine = (await bg.SchemaEngine.new(
      { datamodels: [readSchema(root, provider)] },
      (line: string) => logs.push(line),
      bindMigrationAwareSqlAdapterFactory(adapters.factory),
    )) as Engine;
    return await fn(engine);
  } finally {
    engine?.free();
    await adapters.close();
  }
}

/**
 * Apply every pending migration of the database's provider; returns the names applied.
 * Throws, changing nothing, when the database has migrations this code does not know.
 */
export async function applyMigrations(root: string, databaseUrl: string): Promise<string[]> {
  const provider = databaseDialect(databaseUrl);
  let state: MigrationState;
  try {
    state = await migrationState(root, databaseUrl);
  } catch (error) {
    // The first connection of every start: say which database, not only "getaddrinfo ENOTFOUND ss".
    throw new Error(cannotOpenDatabase(databaseUrl, error));
  }
  // Older code on a database a newer version migrated: refused before anything is written.
  if (state.unknown.length) throw new Error(databaseNewerThanCode(root, databaseUrl, state.unknown));
  if (state.upToDate) return [];
  const adapters = provider === "sqlite" ? sqliteEngineFactory(databaseUrl) : await postgresEngineFactory(databaseUrl);
  return withEngine(root, provider, adapters, async (engine) => {
    const migrationsList = readMigrations(providerFiles(root, provider).migrationsDir);
    return (await engine.applyMigrations({ migrationsList, filters: noFilter })).appliedMigrationNames;
  });
}

/**
 * The SQL that takes a database from `provider`'s migrations to the schema; null when
 * they already give exactly the schema. The migrations are replayed on a shadow
 * database: in memory for SQLite, on a throw-away server for PostgreSQL.
 */
export async function pendingSchemaChange(root: string, provider: Provider): Promise<string | null> {
  const migrations = readMigrations(providerFiles(root, provider).migrationsDir);
  const from = migrations.migrationDirectories.length ? ({ tag: "migrations", ...migrations } as const) : ({ tag: "empty" } as const);
  const [schemaPath, content] = readSchema(root, provider);
  const diff = (engine: Engine) =>
    engine.diff({ from, to: { tag: "schemaDatamodel", files: [{ path: schemaPath, content }] }, script: true, exitCode: true, filters: noFilter });
  let result: Awaited<ReturnType<Engine["diff"]>>;
  if (provider === "sqlite") {
    result = await withEngine(root, provider, sqliteEngineFactory("file::memory:"), diff);
  } else {
    const { startThrowawayPostgres } = await import("./throwaway-postgres");
    const server = await startThrowawayPostgres("qm-pg-shadow");
    try {
      result = await withEngine(root, provider, await scratchPostgresEngineFactory(server.fields()), diff);
    } finally {
      await server.stop();
    }
  }
  return scriptOrNull(result);
}

function scriptOrNull(result: { exitCode: number; stdout?: string | null }): string | null {
  const sql = result.stdout ?? "";
  return result.exitCode !== 2 || /^-- This is an empty migration\.\s*$/.test(sql.trim()) ? null : sql;
}

/**
 * The SQL that takes the live database at `databaseUrl` to the schema; null when it
 * already has exactly the schema (after `applyMigrations`, it must).
 */
export async function databaseSchemaChange(root: string, databaseUrl: string): Promise<string | null> {
  const provider = databaseDialect(databaseUrl);
  const adapters = provider === "sqlite" ? sqliteEngineFactory(databaseUrl) : await postgresEngineFactory(databaseUrl);
  const [schemaPath, content] = readSchema(root, provider);
  const files = [{ path: schemaPath, content }];
  const result = await withEngine(root, provider, adapters, (engine) =>
    engine.diff({ from: { tag: "schemaDatasource", files, configDir: root }, to: { tag: "schemaDatamodel", files }, script: true, exitCode: true, filters: noFilter }),
  );
  return scriptOrNull(result);
}

/** 20261130101500: the timestamp prefix of a migration folder. */
export function migrationStamp(date = new Date()): string {
  return date.toISOString().replace(/[-:T]/g, "").slice(0, 14);
}

/**
 * Write `provider`'s next migration, <migrationsDir>/<stamp>_<name>/migration.sql, from
 * the schema; returns its folder, or null when the migrations already give the schema.
 */
export async function createMigration(root: string, name: string, provider: Provider = "sqlite", stamp = migrationStamp()): Promise<string | null> {
  const sql = await pendingSchemaChange(root, provider);
  if (sql === null) return null;
  const { migrationsDir } = providerFiles(root, provider);
  fs.mkdirSync(migrationsDir, { recursive: true });
  const lockPath = path.join(migrationsDir, "migration_lock.toml");
  if (!fs.existsSync(lockPath)) {
    fs.writeFileSync(lockPath, `# Please do not edit this file manually\n# It should be added in your version-control system (e.g., Git)\nprovider = "${provider}"\n`);
  }
  const dir = path.join(migrationsDir, `${stamp}_${name}`);
  fs.mkdirSync(dir);
  fs.writeFileSync(path.join(dir, "migration.sql"), sql);
  return dir;
}
