/**
 * The wasm schema engine, loaded by hand, with the SQLite driver adapter.
 * Used by `npm run db:migrate`, `npm run db:migration` and at every start.
 */
import fs from "node:fs";
import path from "node:path";
import { createHash } from "node:crypto";
import { createRequire } from "node:module";
import Database from "better-sqlite3";
import { PrismaBetterSqlite3 } from "@prisma/adapter-better-sqlite3";
import {
  bindMigrationAwareSqlAdapterFactory,
  type SqlDriverAdapter,
  type SqlMigrationAwareDriverAdapterFactory,
} from "@prisma/driver-adapter-utils";
import { sqliteFilePath } from "../../lib/server/database-url";

const require = createRequire(import.meta.url);
type Engine = import("@prisma/schema-engine-wasm").SchemaEngine;
type MigrationList = import("@prisma/schema-engine-wasm").MigrationList;

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

/**
 * better-sqlite3's executeRaw runs a single statement; the engine replays whole
 * migration scripts through it on the shadow database. Route parameterless raw
 * calls to executeScript, which runs them all.
 */
function withScriptRaw(adapter: SqlDriverAdapter): SqlDriverAdapter {
  const executeRaw = adapter.executeRaw.bind(adapter);
  adapter.executeRaw = async (query) => {
    if (query.args.length === 0) {
      await adapter.executeScript(query.sql);
      return 0;
    }
    return executeRaw(query);
  };
  return adapter;
}

/** The adapter factory, remembering every connection so that close() can end them. */
function sqliteFactory(databaseUrl: string) {
  const file = sqliteFilePath(databaseUrl);
  if (file !== ":memory:") fs.mkdirSync(path.dirname(file), { recursive: true });
  const base = new PrismaBetterSqlite3({ url: file, timeout: 10_000 }, { shadowDatabaseUrl: ":memory:" });
  const open: SqlDriverAdapter[] = [];
  const track = (adapter: SqlDriverAdapter) => (open.push(adapter), withScriptRaw(adapter));
  const factory: SqlMigrationAwareDriverAdapterFactory = {
    provider: base.provider,
    adapterName: base.adapterName,
    connect: async () => track(await base.connect()),
    connectToShadowDb: async () => track(await base.connectToShadowDb()),
  };
  return { factory, close: () => Promise.all(open.map((a) => a.dispose())) };
}

interface OpenEngine {
  engine: Engine;
  close(): Promise<void>;
}

async function openEngine(root: string, databaseUrl: string): Promise<OpenEngine> {
  const bg = await loadWasm();
  const schemaPath = path.join(root, "prisma/schema.prisma");
  const logs: string[] = [];
  const { factory, close } = sqliteFactory(databaseUrl);
  const engine = (await bg.SchemaEngine.new(
    { datamodels: [[schemaPath, fs.readFileSync(schemaPath, "utf8")]] },
    (line: string) => logs.push(line),
    bindMigrationAwareSqlAdapterFactory(factory),
  )) as Engine;
  return {
    engine,
    async close() {
      engine.free();
      await close();
    },
  };
}

/** The migrations folder as the engine wants it (the same shape the Prisma CLI builds). */
function readMigrations(root: string): MigrationList {
  const baseDir = path.join(root, "prisma/migrations");
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

/**
 * True when every migration folder is recorded as applied, with its checksum. Read with a
 * plain connection: the schema engine waits for other connections (a running web server
 * or worker) to close, which it need not do when there is nothing to apply.
 */
export function isUpToDate(root: string, databaseUrl: string): boolean {
  const file = sqliteFilePath(databaseUrl);
  if (file === ":memory:" || !fs.existsSync(file)) return false;
  const sqlite = new Database(file, { readonly: true, timeout: 10_000 });
  try {
    const hasTable = sqlite.prepare("SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = '_prisma_migrations'").get();
    if (!hasTable) return false;
    const rows = sqlite
      .prepare("SELECT migration_name, checksum FROM _prisma_migrations WHERE finished_at IS NOT NULL AND rolled_back_at IS NULL")
      .all() as { migration_name: string; checksum: string }[];
    const applied = new Map(rows.map((r) => [r.migration_name, r.checksum]));
    return readMigrations(root).migrationDirectories.every((dir) => {
      const content = dir.migrationFile.content;
      return content.tag === "ok" && applied.get(dir.path) === createHash("sha256").update(content.value).digest("hex");
    });
  } finally {
    sqlite.close();
  }
}

/** Apply every pending migration; returns the names applied. */
export async function applyMigrations(root: string, databaseUrl: string): Promise<string[]> {
  if (isUpToDate(root, databaseUrl)) return [];
  const { engine, close } = await openEngine(root, databaseUrl);
  try {
    const out = await engine.applyMigrations({ migrationsList: readMigrations(root), filters: noFilter });
    return out.appliedMigrationNames;
  } finally {
    await close();
  }
}

function timestamp(date = new Date()): string {
  return date.toISOString().replace(/[-:T]/g, "").slice(0, 14);
}

/** Write prisma/migrations/<timestamp>_<name>/migration.sql; null when nothing changed. */
export async function createMigration(root: string, name: string): Promise<string | null> {
  const { engine, close } = await openEngine(root, "file::memory:");
  try {
    const migrations = readMigrations(root);
    const schemaPath = path.join(root, "prisma/schema.prisma");
    const from = migrations.migrationDirectories.length
      ? ({ tag: "migrations", ...migrations } as const)
      : ({ tag: "empty" } as const);
    const result = await engine.diff({
      from,
      to: { tag: "schemaDatamodel", files: [{ path: schemaPath, content: fs.readFileSync(schemaPath, "utf8") }] },
      script: true,
      exitCode: true,
      filters: noFilter,
    });
    const sql = result.stdout ?? "";
    if (result.exitCode !== 2 || /^-- This is an empty migration\.\s*$/.test(sql.trim())) return null;
    fs.mkdirSync(migrations.baseDir, { recursive: true });
    const lockPath = path.join(migrations.baseDir, "migration_lock.toml");
    if (!fs.existsSync(lockPath)) {
      fs.writeFileSync(
        lockPath,
        '# Please do not edit this file manually\n# It should be added in your version-control system (e.g., Git)\nprovider = "sqlite"\n',
      );
    }
    const dir = path.join(migrations.baseDir, `${timestamp()}_${name}`);
    fs.mkdirSync(dir);
    fs.writeFileSync(path.join(dir, "migration.sql"), sql);
    return dir;
  } finally {
    await close();
  }
}
