/**
 * The Prisma client on the embedded SQLite database or on PostgreSQL (driver adapters, no
 * native engine), chosen by DATABASE_URL. One client per process.
 */
import fs from "node:fs";
import path from "node:path";
import Database from "better-sqlite3";
import { PrismaBetterSqlite3 } from "@prisma/adapter-better-sqlite3";
import type { SqlDriverAdapterFactory } from "@prisma/driver-adapter-utils";
import { PrismaClient } from "./generated/prisma/client";
import { PrismaClient as PgPrismaClient } from "./generated/prisma-pg/client";
import { type Dialect, cannotOpenDatabase, databaseDialect, sqliteFilePath } from "./database-url";

/**
 * Both generated clients have the same models and methods (one schema source); the
 * SQLite client's type stands for both.
 */
export type Db = PrismaClient;

/**
 * Kept on globalThis, not in this module: Next bundles this file into each route's chunk,
 * each with a module instance of its own, while the client itself is shared (lib/web/context.ts).
 * A map of this module's would answer "sqlite" for a PostgreSQL client made by another route.
 */
const dialectsKey = Symbol.for("qm.server.db-dialects");
const dialects: WeakMap<Db, Dialect> = ((globalThis as Record<symbol, unknown>)[dialectsKey] ??= new WeakMap<Db, Dialect>()) as WeakMap<Db, Dialect>;

export function createDb(databaseUrl: string): Db {
  const dialect = databaseDialect(databaseUrl);
  const db =
    dialect === "sqlite"
      ? new PrismaClient({ adapter: new PrismaBetterSqlite3({ url: sqliteFilePath(databaseUrl), timeout: 10_000 }) })
      : (new PgPrismaClient({ adapter: lazyPgAdapter(databaseUrl) }) as unknown as Db);
  dialects.set(db, dialect);
  return db;
}

/**
 * Prisma's pg adapter, loaded at the first query: a program on SQLite never loads pg
 * (6 MB of resident memory for the worker).
 */
function lazyPgAdapter(connectionString: string): SqlDriverAdapterFactory {
  return {
    provider: "postgres",
    adapterName: "@prisma/adapter-pg",
    async connect() {
      const { PrismaPg } = await import("@prisma/adapter-pg");
      return new PrismaPg({ connectionString }).connect();
    },
  };
}

/** Which database a client talks to: raw SQL differs between them. */
export function dialectOf(db: Db): Dialect {
  return dialects.get(db) ?? "sqlite";
}

/** Per-connection settings; NORMAL sync is safe under WAL (set once by enableWal). */
export async function tuneSqlite(db: Db): Promise<void> {
  if (dialectOf(db) !== "sqlite") return;
  await db.$queryRawUnsafe("PRAGMA synchronous = NORMAL");
  await db.$queryRawUnsafe("PRAGMA busy_timeout = 10000");
  // No temporary files in /var/tmp or /tmp (store/sql.ts says why).
  await db.$queryRawUnsafe("PRAGMA temp_store = MEMORY");
}

/**
 * WAL lets the web app read while the worker writes. The mode is stored in the database
 * file, so it is set once, before any other connection is open. Nothing to do on PostgreSQL.
 */
export function enableWal(databaseUrl: string): void {
  if (databaseDialect(databaseUrl) !== "sqlite") return;
  const file = sqliteFilePath(databaseUrl);
  if (file === ":memory:") return;
  fs.mkdirSync(path.dirname(file), { recursive: true });
  let sqlite: Database.Database | undefined;
  try {
    sqlite = new Database(file, { timeout: 10_000 });
    sqlite.pragma("journal_mode = WAL");
  } catch (error) {
    // The first opening of every start: say which file and why, not only "unable to open database file".
    throw new Error(cannotOpenDatabase(databaseUrl, error));
  } finally {
    sqlite?.close();
  }
}
