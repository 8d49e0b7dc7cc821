/**
 * The database of an integration test: a new SQLite file (Vitest project `integration`),
 * or a new PostgreSQL database copied from the migrated template on the run's throw-away
 * server (project `integration-pg`, set up by postgres-test-setup.ts). Either way the
 * migrations are applied the way `npm start` applies them.
 */
import { randomUUID } from "node:crypto";
import fs from "node:fs";
import path from "node:path";
import pg from "pg";
import { inject } from "vitest";
import { projectRoot } from "../../lib/server/bootstrap";
import { type Dialect, databaseDialect } from "../../lib/server/database-url";
import { enableWal } from "../../lib/server/db";
import { WAKE_CHANNEL } from "../../lib/server/wake-worker";
import { TEMPLATE_DATABASE } from "./postgres-test-setup";
import { applyMigrations } from "./schema-engine";

declare module "vitest" {
  export interface ProvidedContext {
    /** Set in the `integration-pg` project: the throw-away server's URL without a database name. */
    qmPostgres: { serverUrl: string } | undefined;
  }
}

/** The database these tests run on. */
export function testDialect(): Dialect {
  return inject("qmPostgres") ? "postgresql" : "sqlite";
}

async function adminQuery(serverUrl: string, text: string): Promise<void> {
  const admin = new pg.Client({ connectionString: `${serverUrl}postgres` });
  await admin.connect();
  try {
    await admin.query(text);
  } finally {
    await admin.end();
  }
}

/**
 * A fresh, migrated database for one test file (a SQLite file goes in `dir`); returns its
 * URL. `empty`: without tables, migrations not applied.
 */
export async function createTestDatabase(dir: string, opts: { empty?: boolean; dialect?: Dialect } = {}): Promise<string> {
  const server = inject("qmPostgres");
  let url = `file:${path.join(dir, `qm-${randomUUID().slice(0, 8)}.db`)}`;
  if ((opts.dialect ?? testDialect()) === "postgresql") {
    if (!server) throw new Error("no PostgreSQL server in this Vitest project (run it in integration-pg)");
    const name = `qm_test_${randomUUID().replaceAll("-", "").slice(0, 16)}`;
    await adminQuery(server.serverUrl, `CREATE DATABASE "${name}"${opts.empty ? "" : ` TEMPLATE "${TEMPLATE_DATABASE}"`}`);
    url = `${server.serverUrl}${name}`;
  }
  if (opts.empty) return url;
  enableWal(url);
  await applyMigrations(projectRoot, url);
  return url;
}

export interface WakeUps {
  /** Forget the wake-ups seen so far. */
  reset(): void;
  /** Was the worker woken since, the way its database wakes it? (`.qm/wake` for SQLite, NOTIFY and no file for PostgreSQL) */
  woken(): Promise<boolean>;
  close(): Promise<void>;
}

/** Watch the wake-ups the web app sends to the worker. */
export async function watchWakeUps(databaseUrl: string, wakeFile: string): Promise<WakeUps> {
  if (databaseDialect(databaseUrl) === "sqlite") {
    return { reset: () => fs.rmSync(wakeFile, { force: true }), woken: async () => fs.existsSync(wakeFile), close: async () => undefined };
  }
  const client = new pg.Client({ connectionString: databaseUrl });
  await client.connect();
  await client.query(`LISTEN ${WAKE_CHANNEL}`);
  let seen = 0;
  client.on("notification", () => seen++);
  return {
    reset: () => (seen = 0),
    async woken() {
      // A notification travels asynchronously: give it a moment.
      for (let i = 0; i < 40 && !seen; i++) await new Promise((r) => setTimeout(r, 50));
      return seen > 0 && !fs.existsSync(wakeFile);
    },
    close: () => client.end(),
  };
}
