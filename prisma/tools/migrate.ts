/**
 * Offline Prisma migrations through the wasm schema engine (the native engine cannot be
 * downloaded on our machines). Writes and applies ordinary prisma/migrations folders and
 * keeps `_prisma_migrations` exactly as `prisma migrate deploy` does.
 *
 *   tsx prisma/tools/migrate.ts deploy          apply pending migrations
 *   tsx prisma/tools/migrate.ts create <name>   write the next migration from schema.prisma, for
 *                                               SQLite and PostgreSQL (same folder name in each)
 */
import path from "node:path";
import { fileURLToPath } from "node:url";
import { applyMigrations, createMigration, migrationStamp } from "./schema-engine";
import { redactDatabaseUrl } from "../../lib/server/database-url";
import { enableWal } from "../../lib/server/db";
import { loadEnv, writesToJournal } from "../../lib/server/env";
import { cannotStartLine } from "../../lib/server/logger";

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "../..");

async function main(): Promise<void> {
  const [command, name] = process.argv.slice(2);
  const env = loadEnv();
  if (command === "deploy") {
    enableWal(env.databaseUrl); // a new database starts in WAL mode, as at every start
    const applied = await applyMigrations(root, env.databaseUrl);
    console.log(`${redactDatabaseUrl(env.databaseUrl)}: ${applied.length ? `applied ${applied.join(", ")}` : "up to date"}`);
  } else if (command === "create") {
    if (!name || !/^[A-Za-z0-9_]+$/.test(name)) {
      throw new Error("usage: npm run db:migration -- <name>   (letters, digits and _ only)");
    }
    // PostgreSQL's migrations are replayed on a throw-away server (started here) to diff them.
    const stamp = migrationStamp();
    for (const provider of ["sqlite", "postgresql"] as const) {
      const dir = await createMigration(root, name, provider, stamp);
      console.log(`${provider}: ${dir ? `wrote ${path.relative(root, dir)}/migration.sql` : "schema unchanged, no migration written"}`);
    }
  } else {
    throw new Error("usage: migrate.ts deploy | create <name>");
  }
}

main().catch((error: unknown) => {
  const message = error instanceof Error ? error.message : String(error);
  console.error(cannotStartLine(message, writesToJournal(), message)); // qm-web's ExecStartPre
  process.exit(1);
});
