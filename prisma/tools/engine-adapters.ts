/**
 * The driver adapters the wasm schema engine runs on, with the fixes it needs in 7.10.0
 * (see TOOLCHAIN.md, "Known adapter defects"). Each factory remembers its connections so
 * that close() ends them all.
 */
import { randomUUID } from "node:crypto";
import fs from "node:fs";
import path from "node:path";
import { PrismaBetterSqlite3 } from "@prisma/adapter-better-sqlite3";
import type { SqlDriverAdapter, SqlMigrationAwareDriverAdapterFactory, Transaction } from "@prisma/driver-adapter-utils";
import { sqliteFilePath } from "../../lib/server/database-url";

export interface EngineFactory {
  factory: SqlMigrationAwareDriverAdapterFactory;
  close(): Promise<unknown>;
}

type Connect = () => Promise<SqlDriverAdapter>;

/** `shadow`: how to open a shadow database, or null when none may be made. */
function tracked(base: SqlMigrationAwareDriverAdapterFactory, fix: (a: SqlDriverAdapter) => SqlDriverAdapter, shadow: Connect | null): EngineFactory {
  const open: SqlDriverAdapter[] = [];
  const track = (adapter: SqlDriverAdapter) => {
    // The engine disposes of some connections itself; a pg pool may be ended only once.
    const dispose = adapter.dispose.bind(adapter);
    let disposed: Promise<void> | undefined;
    adapter.dispose = () => (disposed ??= dispose());
    open.push(adapter);
    return fix(adapter);
  };
  const factory: SqlMigrationAwareDriverAdapterFactory = {
    provider: base.provider,
    adapterName: base.adapterName,
    connect: async () => track(await base.connect()),
    connectToShadowDb: async () => {
      if (!shadow) throw new Error("this operation must not need a shadow database");
      return track(await shadow());
    },
  };
  return { factory, close: () => Promise.all(open.map((a) => a.dispose())) };
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

/** SQLite: the database file, and an in-memory shadow database. */
export function sqliteEngineFactory(databaseUrl: string): EngineFactory {
  const file = sqliteFilePath(databaseUrl);
  if (file !== ":memory:") fs.mkdirSync(path.dirname(file), { recursive: true });
  const base = new PrismaBetterSqlite3({ url: file, timeout: 10_000 }, { shadowDatabaseUrl: ":memory:" });
  return tracked(base, withScriptRaw, () => base.connectToShadowDb());
}

/** pg_catalog's one-byte `"char"` type, which adapter-pg refuses to read; it is text. */
const PG_CHAR_OID = 18;
const PG_TEXT_OID = 25;

type PerformIO = (query: unknown) => Promise<{ fields: { dataTypeID: number }[] }>;

/** Introspection reads pg_catalog "char" columns: let them through as text. */
function withCharAsText<T extends object>(queryable: T): T {
  const q = queryable as T & { performIO: PerformIO; startTransaction?: (...a: unknown[]) => Promise<Transaction> };
  const performIO = q.performIO.bind(q);
  q.performIO = async (query) => {
    const result = await performIO(query);
    for (const field of result.fields) if (field.dataTypeID === PG_CHAR_OID) field.dataTypeID = PG_TEXT_OID;
    return result;
  };
  if (q.startTransaction) {
    const start = q.startTransaction.bind(q);
    q.startTransaction = async (...args) => withCharAsText(await start(...args));
  }
  return queryable;
}

/** Where a PostgreSQL database is, as separate fields. */
export interface PgFields {
  host: string;
  port: number;
  user: string;
  database: string;
}

/**
 * PostgreSQL at `databaseUrl`, for applying migrations: no shadow database is needed,
 * so none may be made (it would be created on the user's server).
 */
export async function postgresEngineFactory(databaseUrl: string): Promise<EngineFactory> {
  const { PrismaPg } = await import("@prisma/adapter-pg"); // not loaded by programs on SQLite
  return tracked(new PrismaPg({ connectionString: databaseUrl, max: 2 }), withCharAsText, null);
}

/**
 * PostgreSQL on a throw-away server, with scratch shadow databases (to replay the
 * migrations when writing the next one). adapter-pg's own shadow database is not used:
 * it overrides `database` in a config whose connectionString wins (the "shadow" would be
 * the main database), and it drops the database before closing its connections. Here
 * each shadow is a new database named apart, left for the server's removal.
 */
export async function scratchPostgresEngineFactory(fields: PgFields): Promise<EngineFactory> {
  const [{ PrismaPg }, { default: pg }] = await Promise.all([import("@prisma/adapter-pg"), import("pg")]);
  const shadow = async () => {
    const database = `qm_shadow_${randomUUID().replaceAll("-", "")}`;
    if (database === fields.database) throw new Error("a shadow database must not be the main database");
    const admin = new pg.Client(fields);
    await admin.connect();
    try {
      await admin.query(`CREATE DATABASE "${database}"`);
    } finally {
      await admin.end();
    }
    return new PrismaPg({ ...fields, database, max: 2 }).connect();
  };
  return tracked(new PrismaPg({ ...fields, max: 2 }), withCharAsText, shadow);
}
