/**
 * The Prisma client on the embedded SQLite database (driver adapter, no native engine).
 * One client per process.
 */
import fs from "node:fs";
import path from "node:path";
import Database from "better-sqlite3";
import { PrismaBetterSqlite3 } from "@prisma/adapter-better-sqlite3";
import { PrismaClient } from "./generated/prisma/client";
import { sqliteFilePath } from "./database-url";

export type Db = PrismaClient;

export function createDb(databaseUrl: string): Db {
  const adapter = new PrismaBetterSqlite3({ url: sqliteFilePath(databaseUrl), timeout: 10_000 });
  return new PrismaClient({ adapter });
}

/** Per-connection settings; NORMAL sync is safe under WAL (set once by enableWal). */
export async function tuneSqlite(db: Db): Promise<void> {
  await db.$queryRawUnsafe("PRAGMA synchronous = NORMAL");
  await db.$queryRawUnsafe("PRAGMA busy_timeout = 10000");
}

/**
 * WAL lets the web app read while the worker writes. The mode is stored in the database
 * file, so it is set once, before any other connection is open.
 */
export function enableWal(databaseUrl: string): void {
  const file = sqliteFilePath(databaseUrl);
  if (file === ":memory:") return;
  fs.mkdirSync(path.dirname(file), { recursive: true });
  const sqlite = new Database(file, { timeout: 10_000 });
  try {
    sqlite.pragma("journal_mode = WAL");
  } finally {
    sqlite.close();
  }
}
