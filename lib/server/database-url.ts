import path from "node:path";

/** The two databases QueueManager runs on, named by DATABASE_URL's scheme. */
export type Dialect = "sqlite" | "postgresql";

/** `file:` (or `:memory:`) is the embedded SQLite; `postgresql://` / `postgres://` is PostgreSQL. */
export function databaseDialect(databaseUrl: string): Dialect {
  if (databaseUrl.startsWith("file:") || databaseUrl === ":memory:") return "sqlite";
  if (/^postgres(ql)?:\/\//.test(databaseUrl)) return "postgresql";
  throw new Error(
    `DATABASE_URL must be a SQLite file: URL (file:./data/qm.db) or a PostgreSQL URL (postgresql://user:password@host:5432/qm); got "${databaseUrl.split(":")[0]}:..."`,
  );
}

/** The file path of a `file:` SQLite URL (relative paths resolve from the working directory). */
export function sqliteFilePath(databaseUrl: string): string {
  if (databaseUrl === "file::memory:" || databaseUrl === ":memory:") return ":memory:";
  if (databaseDialect(databaseUrl) !== "sqlite") throw new Error("not a SQLite file: URL");
  const file = databaseUrl.slice("file:".length).split("?")[0];
  return path.resolve(file);
}

/** The URL without its password, for messages and logs. */
export function redactDatabaseUrl(databaseUrl: string): string {
  return databaseUrl.replace(/^(postgres(?:ql)?:\/\/[^:/@]*:)[^@]*@/, "$1***@");
}
