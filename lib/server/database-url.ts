import path from "node:path";

/** The file path of a `file:` SQLite URL (relative paths resolve from the working directory). */
export function sqliteFilePath(databaseUrl: string): string {
  if (databaseUrl === "file::memory:" || databaseUrl === ":memory:") return ":memory:";
  if (!databaseUrl.startsWith("file:")) {
    throw new Error(`DATABASE_URL must be a SQLite file: URL (got "${databaseUrl.split(":")[0]}:...")`);
  }
  const file = databaseUrl.slice("file:".length).split("?")[0];
  return path.resolve(file);
}
