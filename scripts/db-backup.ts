/**
 * `npm run db:backup -- [FILE] [--keep N]`: a consistent copy of the SQLite database,
 * taken while the web app and the worker run (lib/server/backup/backup-sqlite.ts). Without
 * FILE it goes to $QM_DATA/backups/qm-<UTC time>.db; `--keep N` then removes all but the N
 * newest copies there. On PostgreSQL it says to use pg_dump instead (docs/deploy.md).
 */
import fs from "node:fs";
import path from "node:path";
import { folderStamp } from "../lib/core/job-log";
import { formatBytes } from "../lib/core/format";
import { backupSqlite } from "../lib/server/backup/backup-sqlite";
import { databaseDialect, redactDatabaseUrl } from "../lib/server/database-url";
import { loadEnv } from "../lib/server/env";
import { parseBackupArgs } from "./db-backup-args";

function main(): void {
  const env = loadEnv();
  const args = parseBackupArgs(process.argv.slice(2));
  if (databaseDialect(env.databaseUrl) === "postgresql") {
    console.error(`DATABASE_URL is PostgreSQL (${redactDatabaseUrl(env.databaseUrl)}): back it up with pg_dump, e.g.\n  (umask 077; pg_dump --format=custom --file="qm-$(date +%F).dump" "$DATABASE_URL")   # 0600: it holds password hashes\n(docs/postgresql.md, Backups)`);
    process.exit(2);
  }
  const dir = path.join(env.dataDir, "backups");
  const file = path.resolve(args.file ?? path.join(dir, `qm-${folderStamp(new Date())}.db`));
  const started = Date.now();
  const backup = backupSqlite(env.databaseUrl, file);
  console.log(`wrote ${backup.file} (${formatBytes(backup.bytes)}, ${backup.jobs} jobs of which ${backup.finishedJobs} finished, integrity ok) in ${((Date.now() - started) / 1000).toFixed(1)} s`);
  if (args.keep && !args.file) {
    const copies = fs.readdirSync(dir).filter((n) => /^qm-.*\.db$/.test(n)).sort().reverse();
    for (const old of copies.slice(args.keep)) {
      fs.rmSync(path.join(dir, old));
      console.log(`removed the older copy ${path.join(dir, old)} (--keep ${args.keep})`);
    }
  }
}

try {
  main();
} catch (error) {
  console.error(`backup failed: ${error instanceof Error ? error.message : String(error)}`);
  process.exit(1);
}
