/**
 * The SQL layer on PostgreSQL (a pg pool). The store's statements are written once, with
 * `?` placeholders, numbered here ($1, $2...). Prisma's DateTime columns are
 * `timestamp(3) without time zone` holding UTC, so dates are written as UTC text and read
 * back as UTC, whatever the server's or the process's time zone.
 */
import type { Pool, PoolClient } from "pg";
import type { Sql, SqlValue } from "./sql-types";

const TIMESTAMP_OID = 1114;
const INT8_OID = 20;
const NUMERIC_OID = 1700;

/** Read as SQLite would give them: UTC dates, and numbers for counts and sums. */
const parsers: Record<number, (text: string) => unknown> = {
  [TIMESTAMP_OID]: (text) => new Date(`${text.replace(" ", "T")}Z`),
  [INT8_OID]: Number,
  [NUMERIC_OID]: Number,
};

/**
 * pg is loaded at the first query, not at import: a worker on SQLite never loads it (6 MB
 * of resident memory).
 */
async function newPool(databaseUrl: string, max: number): Promise<Pool> {
  const { default: pg } = await import("pg");
  const getTypeParser = ((oid: number, format?: string) => parsers[oid] ?? pg.types.getTypeParser(oid, format as "text")) as typeof pg.types.getTypeParser;
  const pool = new pg.Pool({ connectionString: databaseUrl, max, types: { getTypeParser } });
  // An idle connection dropped by the server is replaced at the next query; without a
  // listener the error would end the process.
  pool.on("error", () => undefined);
  return pool;
}

/** `?` -> `$n`, leaving quoted strings and identifiers alone. */
export function numberPlaceholders(text: string): string {
  let n = 0;
  let quote: string | null = null;
  let out = "";
  for (const c of text) {
    if (quote) {
      if (c === quote) quote = null;
    } else if (c === "'" || c === '"') {
      quote = c;
    } else if (c === "?") {
      out += `$${++n}`;
      continue;
    }
    out += c;
  }
  return out;
}

const bind = (params: SqlValue[] = []) => params.map((p) => (p instanceof Date ? p.toISOString() : p));

/** Statements on one client or on the pool. */
function on(connection: () => Promise<Pool | PoolClient>, texts: Map<string, string>): Omit<Sql, "transaction" | "close"> {
  const query = async (text: string, params?: SqlValue[]) => {
    let numbered = texts.get(text);
    if (numbered === undefined) {
      numbered = numberPlaceholders(text);
      if (texts.size < 500) texts.set(text, numbered);
    }
    return (await connection()).query(numbered, bind(params));
  };
  return {
    dialect: "postgresql",
    all: async <T>(text: string, params?: SqlValue[]) => (await query(text, params)).rows as T[],
    get: async <T>(text: string, params?: SqlValue[]) => (await query(text, params)).rows[0] as T | undefined,
    run: async (text, params) => ({ changes: (await query(text, params)).rowCount ?? 0 }),
  };
}

/** Open a pool on a `postgresql://` DATABASE_URL. */
export function openPostgres(databaseUrl: string, opts: { max?: number } = {}): Sql {
  const pool = newPool(databaseUrl, opts.max ?? 5);
  pool.catch(() => undefined); // reported by the first query
  const texts = new Map<string, string>();
  let closed: Promise<void> | undefined;
  const sql: Sql = {
    ...on(() => pool, texts),
    async transaction<T>(fn: (tx: Sql) => Promise<T>): Promise<T> {
      const client = await (await pool).connect();
      const tx: Sql = { ...on(async () => client, texts), transaction: (inner) => inner(tx), close: async () => undefined };
      try {
        await client.query("BEGIN");
        const value = await fn(tx);
        await client.query("COMMIT");
        client.release();
        return value;
      } catch (error) {
        // A connection that cannot roll back is broken: destroy it rather than reuse it.
        const broken = await client.query("ROLLBACK").then(() => undefined, (e: Error) => e);
        client.release(broken);
        throw error;
      }
    },
    close: () => (closed ??= pool.then((p) => p.end(), () => undefined)),
  };
  return sql;
}
