/**
 * A small SQL layer under the job store: the same statements run on the embedded SQLite
 * file (better-sqlite3, prepared statements cached) or on PostgreSQL (sql-postgres.ts).
 * Statements use `?` placeholders and double-quoted identifiers, which both databases
 * accept; dates are written the way Prisma writes them, so rows stay readable through Prisma.
 *
 * Why not Prisma here: these statements run for every job start and end, where a Prisma
 * call costs milliseconds of CPU against tens of microseconds for a prepared statement.
 */
import path from "node:path";
import Database from "better-sqlite3";
import { databaseDialect, sqliteFilePath } from "../database-url";
import { openPostgres } from "./sql-postgres";
import type { Sql, SqlValue } from "./sql-types";

export type { Sql, SqlResult, SqlValue } from "./sql-types";

/** Prisma's SQLite text form of a DateTime: 2026-11-29T21:30:03.488+00:00. */
export const sqliteDate = (d: Date) => d.toISOString().replace("Z", "+00:00");

/** A date column as read back: SQLite gives text, PostgreSQL a Date. */
export function toDate(value: unknown): Date | null {
  if (value === null || value === undefined) return null;
  if (value instanceof Date) return value;
  const text = String(value);
  // CURRENT_TIMESTAMP defaults are "YYYY-MM-DD HH:MM:SS", in UTC.
  return new Date(/^\d{4}-\d\d-\d\d \d/.test(text) ? `${text.replace(" ", "T")}Z` : text);
}

/** The SQL layer on DATABASE_URL's database: every caller opens it through here. */
export function openSql(databaseUrl: string): Sql {
  return databaseDialect(databaseUrl) === "postgresql" ? openPostgres(databaseUrl) : openSqlite(databaseUrl);
}

const shared = new Map<string, { sql: Sql; users: number }>();

/**
 * Open the embedded database file of a `file:` DATABASE_URL. Within one process every
 * caller shares one connection (closed with its last user): with two, a statement of one
 * waiting for the other's open transaction would block the event loop that transaction
 * needs to finish (the worker embedded in a test, or beside the web app's store).
 */
function openSqlite(databaseUrl: string): Sql {
  const file = path.resolve(sqliteFilePath(databaseUrl));
  let entry = shared.get(file);
  if (!entry) shared.set(file, (entry = { sql: connect(file), users: 0 }));
  const mine = entry;
  mine.users += 1;
  let closed = false;
  return {
    ...mine.sql,
    async close() {
      if (closed) return;
      closed = true;
      if (--mine.users > 0) return;
      shared.delete(file);
      await mine.sql.close();
    },
  };
}

function connect(file: string): Sql {
  const db = new Database(file, { timeout: 10_000 });
  db.pragma("synchronous = NORMAL");
  // SQLite's temporary files (a sort or a subquery's table that outgrows its cache) are
  // made in /var/tmp or /tmp by default: each one changes that folder's mtime, which
  // tells the identity pool that a run's uid may have left files there (identity.ts), so
  // every uid handed out around it waited for a sweep and a burst claimed fresh ones.
  db.pragma("temp_store = MEMORY");
  const statements = new Map<string, Database.Statement>();
  const prepare = (text: string) => {
    let st = statements.get(text);
    if (!st) {
      st = db.prepare(text);
      if (statements.size < 500) statements.set(text, st);
    }
    return st;
  };
  const bind = (params: SqlValue[] = []) => params.map((p) => (p instanceof Date ? sqliteDate(p) : typeof p === "boolean" ? Number(p) : p));
  const run = (text: string, params?: SqlValue[]) => ({ changes: prepare(text).run(...bind(params)).changes });
  // better-sqlite3 is synchronous, so statements never interleave, except across the
  // awaits of an async transaction: every statement outside it waits for its end.
  let lock: Promise<unknown> = Promise.resolve();
  const inside: Sql = {
    dialect: "sqlite",
    all: async <T>(text: string, params?: SqlValue[]) => prepare(text).all(...bind(params)) as T[],
    get: async <T>(text: string, params?: SqlValue[]) => prepare(text).get(...bind(params)) as T | undefined,
    run: async (text, params) => run(text, params),
    transaction: (fn) => fn(inside),
    close: async () => undefined,
  };
  const sql: Sql = {
    dialect: "sqlite",
    all: async <T>(text: string, params?: SqlValue[]) => (await lock, inside.all<T>(text, params)),
    get: async <T>(text: string, params?: SqlValue[]) => (await lock, inside.get<T>(text, params)),
    run: async (text, params) => (await lock, run(text, params)),
    transaction<T>(fn: (tx: Sql) => Promise<T>): Promise<T> {
      const result = lock.then(async () => {
        run("BEGIN IMMEDIATE");
        try {
          const value = await fn(inside);
          run("COMMIT");
          return value;
        } catch (error) {
          if (db.inTransaction) run("ROLLBACK");
          throw error;
        }
      });
      lock = result.catch(() => undefined);
      return result;
    },
    async close() {
      await lock;
      db.close();
    },
  };
  return sql;
}
