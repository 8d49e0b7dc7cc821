import fs from "node:fs";
import path from "node:path";
import { accountNameOf, describeUid } from "./system-accounts";

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

/** The URL without its password, for messages and logs (all of it up to the last @, even a password with an @ left unencoded). */
export function redactDatabaseUrl(databaseUrl: string): string {
  return databaseUrl.replace(/^(postgres(?:ql)?:\/\/[^:/@]*:).*@/, "$1***@");
}

/** A user name or password with a character that ends it early in a URL unless percent-encoded. */
function userInfoNeedsEncoding(databaseUrl: string): boolean {
  const rest = databaseUrl.replace(/^postgres(ql)?:\/\//, "");
  const at = rest.lastIndexOf("@");
  return at > 0 && /[@/?#]/.test(rest.slice(0, at));
}

/** Why the database could not be opened, naming it (without its password), with the fix of an unencoded password. */
export function cannotOpenDatabase(databaseUrl: string, error: unknown): string {
  const why = error instanceof Error ? error.message : String(error);
  const hint =
    databaseDialect(databaseUrl) === "postgresql"
      ? userInfoNeedsEncoding(databaseUrl)
        ? "; the password (or user name) holds @, /, ? or #, which end it early in a URL: write them percent-encoded (@ as %40, / as %2F, ? as %3F, # as %23, and % itself as %25)"
        : ""
      : sqliteAccessProblem(sqliteFilePath(databaseUrl));
  return `cannot open the database ${redactDatabaseUrl(databaseUrl)} (DATABASE_URL): ${why}${hint}`;
}

/**
 * SQLite says only "unable to open database file" when the file (or its -wal, -shm, or the
 * folder where it makes them) is not this program's to write: a database restored or copied
 * by root, typically. Which one, whose it is, and the fix.
 */
function sqliteAccessProblem(file: string): string {
  if (file === ":memory:" || typeof process.getuid !== "function") return "";
  for (const f of [file, `${file}-wal`, `${file}-shm`, path.dirname(file)]) {
    try {
      fs.accessSync(f, fs.constants.R_OK | fs.constants.W_OK);
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== "EACCES") continue;
      const st = fs.statSync(/*turbopackIgnore: true*/ f);
      const me = process.getuid();
      const chown = `chown ${accountNameOf(me) ?? me}: ${file}*`;
      return `; ${f} belongs to ${describeUid(st.uid)}, mode ${(st.mode & 0o777).toString(8)}, and this program runs as ${describeUid(me)}: the database, its -wal and -shm files and their folder must be writable by the account that runs QueueManager (${chown}, as root)`;
    }
  }
  return "";
}
